/* "Read the bytes" baseline: read each CSV file once and count records, i.e. line feeds outside
 * double-quoted fields (RFC 4180: a quoted field may hold line breaks; "" inside quotes toggles
 * twice and so needs no special case). Prints "<records> records, <bytes> bytes" for all files.
 * This is the floor for any engine that must look at every byte of the input. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(int argc, char **argv) {
    static unsigned char buf[1 << 20];
    unsigned long long records = 0, bytes = 0;
    for (int i = 1; i < argc; i++) {
        int fd = open(argv[i], O_RDONLY);
        if (fd < 0) { perror(argv[i]); return 2; }
        int quoted = 0;
        ssize_t n;
        while ((n = read(fd, buf, sizeof buf)) > 0) {
            bytes += (unsigned long long)n;
            for (ssize_t j = 0; j < n; j++) {
                unsigned char c = buf[j];
                quoted ^= (c == '"');
                records += (c == '\n') & !quoted;
            }
        }
        if (n < 0) { perror(argv[i]); return 2; }
        close(fd);
    }
    printf("%llu records, %llu bytes\n", records, bytes);
    return 0;
}
