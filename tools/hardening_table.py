#!/usr/bin/env python3
"""Reruns the findings table of issue 14 ("Hardening") against an aiaas CLI jar.

Each row crafts a bad input (a model file with a valid CRC declaring 5,000,000 units, an ARPA file
declaring two billion unigrams, a gzip bomb, ...) in a temporary folder, runs the jar on it and
reports the exit code, the first line of standard error, its length, the peak resident memory and
the time. A watchdog kills a run whose resident memory passes --max-rss-gb (the findings grew to
16.7 GB), so the script is safe to run on a shared machine.

    python3 tools/hardening_table.py aiaas-cli/target/aiaas.jar

Needs only the jar (its embedded Fashion-MNIST subset and Moby-Dick text are the valid inputs the
crafted files start from) and a JDK. The in-process rows of the table (16 threads sharing a Model
or Predictor; predict(null)) are covered by the test suite, not here.
"""
import argparse
import gzip
import os
import struct
import subprocess
import sys
import tempfile
import time
import zipfile
import zlib


def model_parts(path):
    b = open(path, 'rb').read()
    version, hlen = struct.unpack('>ii', b[8:16])
    header = b[16:16 + hlen].decode('utf-8')
    pos = 16 + hlen
    (count,) = struct.unpack('>i', b[pos:pos + 4])
    pos += 4
    arrays = []
    for _ in range(count):
        kind = b[pos]
        (n,) = struct.unpack('>q', b[pos + 1:pos + 9])
        size = 4 if kind == 1 else 8
        arrays.append((kind, bytearray(b[pos + 9:pos + 9 + n * size])))
        pos += 9 + n * size
    return version, header, arrays


def write_model(path, version, header, arrays):
    """Writes a model file with a valid CRC-32, whatever the header declares."""
    h = header.encode('utf-8')
    out = bytearray(b'AIAASMDL') + struct.pack('>ii', version, len(h)) + h + struct.pack('>i', len(arrays))
    for kind, data in arrays:
        size = 4 if kind == 1 else 8
        out += bytes([kind]) + struct.pack('>q', len(data) // size) + data
    out += struct.pack('>q', zlib.crc32(out) & 0xffffffff)
    open(path, 'wb').write(out)


def nested(depth):
    lines = []
    prefix = ''
    for _ in range(depth):
        lines.append(prefix + 'layer.0.type=residual')
        lines.append(prefix + 'layer.0.layers=1')
        prefix += 'layer.0.'
    lines.append(prefix + 'layer.0.type=relu')
    lines.append(prefix + 'layer.0.activation=relu')
    lines.append(prefix + 'layer.0.alpha=0.0')
    return lines


def gzip_of_repeated(path, chunk, count, tail=b''):
    with open(path, 'wb') as raw:
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        for _ in range(count):
            raw.write(z.compress(chunk))
        raw.write(z.compress(tail))
        raw.write(z.flush())


def run(cmd, max_rss_kb, timeout):
    start = time.time()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    killed = None
    err_chunks = []
    import threading
    t = threading.Thread(target=lambda: err_chunks.append(p.stderr.read()))
    t.start()
    while p.poll() is None:
        try:
            with open('/proc/%d/status' % p.pid) as f:
                for line in f:
                    if line.startswith('VmRSS:'):
                        peak = max(peak, int(line.split()[1]))
        except OSError:
            pass
        if peak > max_rss_kb:
            killed = 'killed by the watchdog at %.1f GB resident' % (peak / 1e6)
            p.kill()
        elif time.time() - start > timeout:
            killed = 'killed after %d s' % timeout
            p.kill()
        time.sleep(0.05)
    t.join()
    err = (err_chunks[0] if err_chunks else b'').decode('utf-8', 'replace')
    lines = [l for l in err.splitlines() if l.strip() and 'WARNING' not in l and 'incubator' not in l]
    return {
        'rc': p.returncode if killed is None else killed,
        'first': lines[0] if lines else '',
        'stderr_lines': len(lines),
        'stderr_chars': len(err),
        'rss_gb': peak / 1e6,
        'seconds': time.time() - start,
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('jar')
    ap.add_argument('--max-rss-gb', type=float, default=6.0)
    ap.add_argument('--timeout', type=int, default=240)
    ap.add_argument('--big-line-gb', type=float, default=3.0, help='the length of the one-line gzip corpus')
    a = ap.parse_args()
    java = ['java', '--add-modules', 'jdk.incubator.vector', '-jar', os.path.abspath(a.jar)]
    d = tempfile.mkdtemp(prefix='aiaas-hardening-')
    data = os.path.join(d, 'fashion')
    os.makedirs(data)
    with zipfile.ZipFile(a.jar) as jar:
        for name in jar.namelist():
            if name.startswith('dev/aiaas/datasets/fashion-mnist/') and name.endswith('.gz'):
                open(os.path.join(data, os.path.basename(name)), 'wb').write(jar.read(name))
            if name.endswith('moby-dick/moby-test.txt.gz'):
                open(os.path.join(d, 'moby.txt'), 'wb').write(gzip.decompress(jar.read(name)))
    f = lambda name: os.path.join(d, name)
    subprocess.run(java + ['train', '--dataset', data, '--epochs', '1', '--hidden', '8', '--out', f('m.aiaas')],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    subprocess.run(java + ['lm', 'build', '--order', '3', '--input', f('moby.txt'), '--out', f('lm.arpa')],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    version, header, arrays = model_parts(f('m.aiaas'))
    rows = []

    # a model file with a valid CRC declaring 5,000,000 units
    write_model(f('units.aiaas'), version, header.replace('layer.0.units=8', 'layer.0.units=5000000'), arrays)
    rows.append(('model file declaring layer.0.units=5000000 (valid CRC)',
                 ['eval', '--model', f('units.aiaas'), '--dataset', data]))
    # 2,000 nested residual layers
    top = [l for l in header.splitlines() if not l.startswith('layer.') and not l.startswith('layers=')]
    write_model(f('deep.aiaas'), version, '\n'.join(top + ['layers=1'] + nested(2000)) + '\n', arrays)
    rows.append(('model file nesting 2,000 residual layers', ['eval', '--model', f('deep.aiaas'), '--dataset', data]))
    # NaN weights with a valid CRC
    nan = [(k, bytearray(struct.pack('<f', float('nan')) * (len(v) // 4)) if k == 1 else v) for k, v in arrays]
    write_model(f('nan.aiaas'), version, header, nan)
    rows.append(('model weights NaN (valid CRC)', ['eval', '--model', f('nan.aiaas'), '--dataset', data]))

    # ARPA files
    arpa = open(f('lm.arpa'), encoding='utf-8').read()
    open(f('huge.arpa'), 'w').write('\\data\\\nngram 1=2000000000\n\n\\1-grams:\n-1.0\t<s>\t0\n\n\\end\\\n')
    rows.append(('300-byte ARPA declaring ngram 1=2000000000', ['lm', 'eval', '--model', f('huge.arpa'), '--input', f('moby.txt')]))
    lines = arpa.splitlines()
    i = next(k for k, l in enumerate(lines) if l.startswith('\\1-grams:')) + 2
    lines[i] = '0.5' + lines[i][lines[i].index('\t'):]
    open(f('positive.arpa'), 'w').write('\n'.join(lines) + '\n')
    rows.append(('ARPA with a positive log10 probability', ['lm', 'eval', '--model', f('positive.arpa'), '--input', f('moby.txt')]))
    lines = arpa.splitlines()
    lines[i] = '0x1p3' + lines[i][lines[i].index('\t'):]
    open(f('hex.arpa'), 'w').write('\n'.join(lines) + '\n')
    rows.append(('ARPA with a log10 probability 0x1p3', ['lm', 'eval', '--model', f('hex.arpa'), '--input', f('moby.txt')]))
    gz = bytearray(gzip.compress(arpa.encode('utf-8')))
    gz[-8] ^= 0xff
    open(f('trailer.arpa.gz'), 'wb').write(gz)
    rows.append(('gzipped ARPA with a damaged trailer (CRC)', ['lm', 'eval', '--model', f('trailer.arpa.gz'), '--input', f('moby.txt')]))

    # corpora
    gib = 1 << 30
    gzip_of_repeated(f('line.txt.gz'), b'a' * (1 << 20), int(a.big_line_gb * gib) >> 20, b'\n')
    rows.append(('%.0f MB gzip holding one %.0f GB line (lm build)' % (os.path.getsize(f('line.txt.gz')) / 1e6, a.big_line_gb),
                 ['lm', 'build', '--order', '3', '--input', f('line.txt.gz'), '--out', f('o.arpa')]))
    rows.append(('lm build --order 100000', ['lm', 'build', '--order', '100000', '--input', f('moby.txt'), '--out', f('o.arpa')]))

    # IDX gzip bomb: a valid header for 10 images, then 4 GB of zeros
    bomb = os.path.join(d, 'bomb')
    os.makedirs(bomb)
    for name in os.listdir(data):
        if 'labels' in name or name.startswith('t10k'):
            open(os.path.join(bomb, name), 'wb').write(open(os.path.join(data, name), 'rb').read())
    with open(os.path.join(bomb, 'train-images-idx3-ubyte.gz'), 'wb') as raw:
        z = zlib.compressobj(9, zlib.DEFLATED, 31)
        raw.write(z.compress(struct.pack('>iiii', 0x803, 6000, 28, 28)))
        for _ in range(4096):
            raw.write(z.compress(b'\0' * (1 << 20)))
        raw.write(z.flush())
    rows.append(('IDX gzip bomb (4 GB of zeros after a header for 6,000 images)',
                 ['train', '--dataset', bomb, '--epochs', '1', '--hidden', '8']))

    # training numerics
    rows.append(('train --lr 1e30', ['train', '--dataset', data, '--epochs', '1', '--hidden', '8', '--lr', '1e30',
                                     '--out', f('diverged.aiaas')]))
    # CSV: a 50 MB cell, a label >= 2^31
    with open(f('cell.csv'), 'w') as c:
        c.write('x,species\n1.0,a\n2.0,b\n' + 'y' * 50_000_000 + ',a\n3.0,b\n')
    rows.append(('CSV with a 50 MB cell', ['train', '--csv', f('cell.csv'), '--label', 'species', '--epochs', '1']))
    with open(f('label.csv'), 'w') as c:
        c.write('x,y\n' + ''.join('%d.0,%d\n' % (k, k % 2) for k in range(40)) + '1.0,3000000000\n')
    rows.append(('CSV with a label 3000000000', ['train', '--csv', f('label.csv'), '--label', 'y', '--epochs', '1']))

    print('| finding | exit | first line of stderr (its lines, characters) | peak RSS | time |')
    print('|---|---|---|---|---|')
    for name, args in rows:
        r = run(java + args, int(a.max_rss_gb * 1e6), a.timeout)
        first = r['first'].replace(d, '$TMP').replace('|', '\\|')
        if len(first) > 160:
            first = first[:160] + '...'
        print('| %s | %s | `%s` (%d, %d) | %.2f GB | %.1f s |' % (name, r['rc'], first, r['stderr_lines'],
                                                                r['stderr_chars'], r['rss_gb'], r['seconds']))
        sys.stdout.flush()


if __name__ == '__main__':
    main()
