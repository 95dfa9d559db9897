# csr_file as an absolute path, a device, a link to the environment or a device, a FIFO: none is opened.
set -eu
mkdir -p csr
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout /dev/null \
  -subj "/CN=web.example.com" -addext "subjectAltName=DNS:web.example.com" -out csr/web.csr 2>/dev/null
ln -s /proc/self/environ csr/env.csr
ln -s /dev/zero csr/zero.csr
mkfifo csr/pipe.csr
