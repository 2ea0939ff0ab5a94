# The man page is generated from its readable source (scripts/md2man.sh, awk
# only); the generated page is committed so `make install` needs no tools.
docs: docs/minibpf.8
docs/minibpf.8: docs/minibpf.8.md scripts/md2man.sh
	scripts/md2man.sh $< > $@
.PHONY: docs
