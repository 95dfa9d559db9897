/* The floor for any libyaml-backed loader: parse files into events with yaml_parser_parse and do
 * nothing with them. Prints the event count and the wall time in seconds, over every file given.
 *
 * build: cc -O2 -o libyaml_loop bench/libyaml_loop.c $(pkg-config --cflags --libs yaml-0.1)
 * usage: libyaml_loop FILE...
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <yaml.h>

/* Parses one file; returns its event count, or -1 after printing libyaml's error. */
static long parse_file(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        return -1;
    }
    yaml_parser_t parser;
    yaml_event_t event;
    yaml_parser_initialize(&parser);
    yaml_parser_set_input_file(&parser, file);
    long events = 0;
    int done = 0;
    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "%s: %s at line %zu\n", path, parser.problem ? parser.problem : "error",
                    parser.problem_mark.line + 1);
            events = -1;
            break;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        events++;
    }
    yaml_parser_delete(&parser);
    fclose(file);
    return events;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 64;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    long events = 0;
    for (int i = 1; i < argc; i++) {
        long count = parse_file(argv[i]);
        if (count < 0) return 1;
        events += count;
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double seconds = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    printf("%ld events %.4f s\n", events, seconds);
    return 0;
}
