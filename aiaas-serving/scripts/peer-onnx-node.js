// The peer server of peer-onnx-node.sh: an ONNX model behind ONNX Runtime's Node.js binding
// (npm onnxruntime-node, its CPU natives inside the package) and Node's own http module, in
// TF Serving's REST shape, so that the same requests go to it and to 'aiaas serve'.
// Usage: node peer-onnx-node.js MODEL.onnx PORT [NAME]
//   POST /v1/models/NAME:predict {"instances": [[x1, ..., xD], ...]} -> {"predictions": [[...], ...]}
//   GET /readyz -> 200 once the session is loaded; GET /stats -> {"answered": N} (200 responses).
// Listens on 127.0.0.1 only, without authentication. ONNX Runtime's session options are its
// defaults (intra-op threads: one per physical core, spinning while they wait for work) unless
// PEER_INTRA_OP_THREADS=N sets intraOpNumThreads; one Node process (no cluster).
'use strict';
const http = require('http');
const ort = require('onnxruntime-node');

const [modelPath, portText, name = 'fm'] = process.argv.slice(2);
if (!modelPath || !portText) {
  console.error('usage: node peer-onnx-node.js MODEL.onnx PORT [NAME]');
  process.exit(2);
}
const MAX_BODY = 8 * 1024 * 1024;
const predictPath = `/v1/models/${name}:predict`;
let answered = 0;

function reply(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

async function main() {
  const threads = process.env.PEER_INTRA_OP_THREADS;
  const options = threads ? { intraOpNumThreads: Number(threads) } : {};
  const session = await ort.InferenceSession.create(modelPath, options);
  const input = session.inputNames[0];
  const output = session.outputNames[0];
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && (req.url === '/readyz' || req.url === '/healthz')) {
      return reply(res, 200, { status: 'ok' });
    }
    if (req.method === 'GET' && req.url === '/stats') {
      return reply(res, 200, { answered });
    }
    if (req.method !== 'POST' || req.url !== predictPath) {
      return reply(res, 404, { error: `no such endpoint: ${req.method} ${req.url}` });
    }
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        reply(res, 413, { error: `body larger than ${MAX_BODY} bytes` });
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => {
      if (size > MAX_BODY) return;
      let rows;
      try {
        rows = JSON.parse(Buffer.concat(chunks).toString('utf8')).instances;
      } catch (e) {
        return reply(res, 400, { error: `body is not JSON: ${e.message}` });
      }
      if (!Array.isArray(rows) || rows.length === 0 || !Array.isArray(rows[0])) {
        return reply(res, 400, { error: 'expected {"instances": [[numbers...], ...]}' });
      }
      const width = rows[0].length;
      const data = new Float32Array(rows.length * width);
      for (let r = 0; r < rows.length; r++) {
        const row = rows[r];
        if (!Array.isArray(row) || row.length !== width) {
          return reply(res, 400, { error: `instance ${r} has ${Array.isArray(row) ? row.length : 'no'} values, expected ${width}` });
        }
        for (let c = 0; c < width; c++) {
          if (typeof row[c] !== 'number') {
            return reply(res, 400, { error: `instance ${r}, value ${c} is not a number` });
          }
          data[r * width + c] = row[c];
        }
      }
      session.run({ [input]: new ort.Tensor('float32', data, [rows.length, width]) }).then((out) => {
        const y = out[output];
        const classes = y.dims[1];
        const predictions = [];
        for (let r = 0; r < rows.length; r++) {
          predictions.push(Array.from(y.data.subarray(r * classes, (r + 1) * classes)));
        }
        answered++;
        reply(res, 200, { predictions });
      }, (e) => reply(res, 500, { error: e.message }));
    });
  });
  server.listen(Number(portText), '127.0.0.1', () => {
    console.log(`onnxruntime-node ${ort.env.versions.node} serving ${modelPath} as ${name} on 127.0.0.1:${portText}`
        + ` (intra-op threads: ${threads || 'default'})`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
