/* The libbpf peer: the least a libbpf user writes to do `prog loadall`.
 * usage: libbpf_load OBJ DIR */
#include <stdio.h>
#include <bpf/libbpf.h>

int main(int argc, char **argv)
{
	struct bpf_object *obj;
	int err;

	if (argc != 3) {
		fprintf(stderr, "usage: libbpf_load OBJ DIR\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj) {
		perror(argv[1]);
		return 1;
	}
	err = bpf_object__load(obj);
	if (!err)
		err = bpf_object__pin_programs(obj, argv[2]);
	bpf_object__close(obj);
	if (err)
		fprintf(stderr, "libbpf_load: %s: error %d\n", argv[1], err);
	return err ? 1 : 0;
}
