/* The floor for reading every CSR file of a repository: open, fstat, read and close each regular
 * file under a directory (what any loader must do at least once per file), nothing else. Prints
 * the file count, the bytes read and the wall time in seconds.
 *
 * build: cc -O2 -o read_files bench/read_files.c
 * usage: read_files DIR
 */
#define _XOPEN_SOURCE 700
#include <fcntl.h>
#include <ftw.h>
#include <stdio.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static long files, bytes;

static int visit(const char *path, const struct stat *info, int type, struct FTW *ftw) {
    (void)info;
    (void)ftw;
    if (type != FTW_F) return 0;
    int fd = open(path, O_RDONLY | O_NOFOLLOW);
    if (fd < 0) return 0;
    struct stat status;
    char buffer[65536];
    if (fstat(fd, &status) == 0 && S_ISREG(status.st_mode)) {
        ssize_t got;
        while ((got = read(fd, buffer, sizeof buffer)) > 0) bytes += got;
        files++;
    }
    close(fd);
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 64;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    if (nftw(argv[1], visit, 64, FTW_PHYS) != 0) {
        perror(argv[1]);
        return 1;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%ld files %ld bytes %.4f s\n", files, bytes, seconds);
    return 0;
}
