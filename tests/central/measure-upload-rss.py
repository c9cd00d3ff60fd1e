#!/usr/bin/env python3
# Measures bosai-central's memory while one ward token uploads N large photos
# at once (defect 9 of issue 9). Usage:
#   measure-upload-rss.py BOSAI_CENTRAL [N=20] [MB=19]
# Prints the server's RSS before, its peak (VmHWM) and RSS after, in MB, and
# the status of every upload.
import hashlib, http.client, os, subprocess, sys, tempfile, threading, time

exe = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 20
mb = int(sys.argv[3]) if len(sys.argv) > 3 else 19

def kb(pid, field):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])

with tempfile.TemporaryDirectory() as d:
    db = os.path.join(d, "central.sqlite")
    out = subprocess.run([exe, "token", "add", "--database", db, "--role", "ward",
                          "--ward", "271276", "--name", "rss"], capture_output=True, text=True)
    token = out.stdout.split()[-1]
    server = subprocess.Popen([exe, "serve", "--database", db, "--port", "0"],
                              stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline().rsplit(":", 1)[1].strip().rstrip("/"))
    time.sleep(0.3)
    before = kb(server.pid, "VmRSS")

    # different photos: a JPEG's magic, then random bytes
    bodies = [b"\xff\xd8\xff\xe0" + os.urandom(mb * 1024 * 1024 - 4) for _ in range(n)]
    statuses = [None] * n
    start = threading.Barrier(n)

    def upload(i):
        body = bodies[i]
        sha = hashlib.sha256(body).hexdigest()
        c = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        start.wait()
        try:
            c.putrequest("PUT", "/attachments/" + sha)
            c.putheader("Authorization", "Bearer " + token)
            c.putheader("Content-Type", "image/jpeg")
            c.putheader("Content-Length", str(len(body)))
            c.endheaders()
            # slowly enough that every upload is under way at once
            for k in range(0, len(body), 1 << 20):
                c.send(body[k:k + (1 << 20)])
                time.sleep(0.01)
            statuses[i] = c.getresponse().status
        except Exception as e:  # a refused upload may be cut short
            statuses[i] = type(e).__name__
        c.close()

    threads = [threading.Thread(target=upload, args=(i,)) for i in range(n)]
    for t in threads: t.start()
    for t in threads: t.join()
    time.sleep(0.5)
    after = kb(server.pid, "VmRSS")
    peak = kb(server.pid, "VmHWM")
    server.terminate(); server.wait()
    print(f"uploads={n} size_mb={mb} rss_before_mb={before/1024:.1f} "
          f"peak_mb={peak/1024:.1f} rss_after_mb={after/1024:.1f}")
    print("statuses:", " ".join(str(s) for s in statuses))
