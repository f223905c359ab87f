# cmake -DIN=file -DOUT=header -DNAME=symbol -P embed.cmake
# Writes a C header holding the bytes of IN as `static const unsigned char
# NAME[]` (NUL-terminated) and `NAME_len`, so the HTML report's JavaScript and
# CSS live in ordinary files in src/report/ and are compiled into the binary.
file(READ "${IN}" hex HEX)
string(LENGTH "${hex}" n)
math(EXPR len "${n} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" body "${body}")
file(WRITE "${OUT}.tmp" "/* generated from ${IN} by cmake/embed.cmake: do not edit */\nstatic const unsigned char ${NAME}[] = {\n${body}0x00 };\nstatic const size_t ${NAME}_len = ${len};\n")
file(RENAME "${OUT}.tmp" "${OUT}")
