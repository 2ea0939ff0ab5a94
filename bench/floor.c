/* The raw-syscall floor: replay a tape (see tape.h) with nothing but bpf(2).
 * usage: floor TAPE DIR -- the programs end up pinned in DIR, as with
 * `prog loadall`. No ELF, no relocation, no probing: no loader can do less. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench/tape.h"

static int die(const char *what, const char *detail)
{
	fprintf(stderr, "floor: %s: %s\n", what, detail);
	return 1;
}

int main(int argc, char **argv)
{
	static int fds[TAPE_MAX_REC];
	char *buf, path[4096];
	size_t len, pos = 8, got = 0;
	struct stat st;
	uint32_t nrec = 0;
	int fd;

	if (argc != 3)
		return die("usage", "floor TAPE DIR");
	fd = open(argv[1], O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st))
		return die(argv[1], strerror(errno));
	len = st.st_size;
	buf = malloc(len + 1);
	if (!buf)
		return die(argv[1], "out of memory");
	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n <= 0)
			return die(argv[1], "read failed");
		got += n;
	}
	close(fd);
	if (len < 8 || memcmp(buf, TAPE_MAGIC, 8))
		return die(argv[1], "not a tape");
	if (mkdir(argv[2], 0700) && errno != EEXIST)
		return die(argv[2], strerror(errno));
	while (pos < len) {
		struct tape_rec r;
		union bpf_attr a;
		uint32_t f[3], i, n;
		long ret;

		if (len - pos < sizeof(r) || nrec >= TAPE_MAX_REC)
			return die(argv[1], "truncated");
		memcpy(&r, buf + pos, sizeof(r));
		pos += sizeof(r);
		if (r.attr_size > sizeof(a) || len - pos < TAPE_ALIGN(r.attr_size))
			return die(argv[1], "bad record");
		memset(&a, 0, sizeof(a));
		memcpy(&a, buf + pos, r.attr_size);
		pos += TAPE_ALIGN(r.attr_size);
		n = tape_fd_fields(r.cmd, f);
		for (i = 0; i < n; i++) {
			uint32_t v;

			memcpy(&v, (char *)&a + f[i], 4);
			if (v > nrec)
				return die(argv[1], "bad fd reference");
			v = v ? (uint32_t)fds[v - 1] : 0;
			memcpy((char *)&a + f[i], &v, 4);
		}
		for (i = 0; i < r.nbuf; i++) {
			struct tape_buf b;
			uint64_t p;

			if (len - pos < sizeof(b))
				return die(argv[1], "truncated");
			memcpy(&b, buf + pos, sizeof(b));
			pos += sizeof(b);
			if (b.off > sizeof(a) - 8 || len - pos < TAPE_ALIGN(b.len))
				return die(argv[1], "bad buffer");
			p = (uintptr_t)(buf + pos);
			if (r.cmd == BPF_OBJ_PIN) {
				if ((size_t)snprintf(path, sizeof(path), "%s/%.*s", argv[2], (int)b.len,
						     buf + pos) >= sizeof(path))
					return die(argv[2], "path too long");
				p = (uintptr_t)path;
			} else if (b.off == TAPE_OFF(insns)) {
				struct bpf_insn *in = (struct bpf_insn *)(buf + pos);
				uint32_t k, cnt = b.len / sizeof(*in);

				for (k = 0; k + 1 < cnt; k++) {
					if (!tape_insn_map_fd(&in[k]))
						continue;
					if ((uint32_t)in[k].imm - 1 >= nrec)
						return die(argv[1], "bad map reference");
					in[k].imm = fds[in[k].imm - 1];
					k++;
				}
			}
			memcpy((char *)&a + b.off, &p, 8);
			pos += TAPE_ALIGN(b.len);
		}
		ret = syscall(__NR_bpf, r.cmd, &a, r.attr_size);
		if (ret < 0) {
			snprintf(path, sizeof(path), "record %u (cmd %u)", nrec, r.cmd);
			return die(path, strerror(errno));
		}
		fds[nrec++] = (int)ret;
	}
	return 0;
}
