import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { certificateNames, loadOrMakeCertificate } from '../src/server/tls/agent-certificate.js';

const roots: string[] = [];
function temporaryRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'cove-certificate-test-'));
  roots.push(root);
  return root;
}
after(() => {
  for (const root of roots) rmSync(root, { recursive: true, force: true });
});

const loopbackNames = ['localhost', '127.0.0.1', '::1'];
const dayMs = 24 * 60 * 60 * 1000;

test('the certificate names loopback and the listen host, or the machine for a wildcard', () => {
  assert.deepEqual(certificateNames('127.0.0.1', 'box'), loopbackNames);
  assert.deepEqual(certificateNames('192.168.1.5', 'box'), [...loopbackNames, '192.168.1.5']);
  assert.deepEqual(certificateNames('Cove.Example', 'box'), [...loopbackNames, 'cove.example']);
  assert.deepEqual(certificateNames('0.0.0.0', 'Box'), [...loopbackNames, 'box']);
  assert.deepEqual(certificateNames('::', 'box'), [...loopbackNames, 'box']);
  // Neither may reach openssl's subjectAltName list, where ',' starts another entry.
  assert.deepEqual(certificateNames('a,IP:10.0.0.1', 'box'), loopbackNames);
  assert.deepEqual(certificateNames('fe80::1%eth0', 'box'), loopbackNames);
});

test('the first call makes a P-256 certificate for those names, key 0600, nothing else left', () => {
  const root = temporaryRoot();
  const names = [...loopbackNames, '192.168.1.5'];
  const made = loadOrMakeCertificate(root, names);
  assert.equal(made.madeBecause, 'there was none');
  const { certificate } = made.credentials;
  assert.equal(certificate.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
  assert.equal(certificate.ca, false, 'Firefox refuses a CA certificate from a server');
  for (const ip of ['127.0.0.1', '::1', '192.168.1.5']) assert.equal(certificate.checkIP(ip), ip);
  assert.equal(certificate.checkHost('localhost'), 'localhost');
  assert.equal(statSync(made.keyPath).mode & 0o777, 0o600);
  assert.deepEqual(readdirSync(join(root, 'tls')).sort(), ['agent.crt', 'agent.key']);
});

test('a later call reuses it while it is a pair, names the hosts and is not about to expire', () => {
  const root = temporaryRoot();
  const first = loadOrMakeCertificate(root, loopbackNames);
  const again = loadOrMakeCertificate(root, loopbackNames);
  assert.equal(again.madeBecause, undefined);
  assert.equal(
    again.credentials.certificate.fingerprint256,
    first.credentials.certificate.fingerprint256,
  );
});

test('a certificate that expires within 30 days is replaced', () => {
  const root = temporaryRoot();
  const first = loadOrMakeCertificate(root, loopbackNames);
  const soon = new Date(new Date(first.credentials.certificate.validTo).getTime() - 10 * dayMs);
  const renewed = loadOrMakeCertificate(root, loopbackNames, soon);
  assert.match(renewed.madeBecause ?? '', /^the old one expires on \d{4}-\d\d-\d\d$/);
  assert.notEqual(
    renewed.credentials.certificate.fingerprint256,
    first.credentials.certificate.fingerprint256,
  );
});

test('a certificate that does not name the new listen host is replaced by one that does', () => {
  const root = temporaryRoot();
  loadOrMakeCertificate(root, loopbackNames);
  const moved = loadOrMakeCertificate(root, [...loopbackNames, '10.1.2.3']);
  assert.equal(moved.madeBecause, 'the old one does not name 10.1.2.3');
  assert.equal(moved.credentials.certificate.checkIP('10.1.2.3'), '10.1.2.3');
});

test('a key that is not the certificate’s (a crash between the renames) is replaced', () => {
  const root = temporaryRoot();
  const other = loadOrMakeCertificate(temporaryRoot(), loopbackNames);
  const made = loadOrMakeCertificate(root, loopbackNames);
  copyFileSync(other.keyPath, made.keyPath);
  const repaired = loadOrMakeCertificate(root, loopbackNames);
  assert.match(repaired.madeBecause ?? '', /not a pair/);
  const onDisk = new X509Certificate(readFileSync(repaired.certPath));
  assert.equal(onDisk.fingerprint256, repaired.credentials.certificate.fingerprint256);
});
