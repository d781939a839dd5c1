/**
 * The credentials of the local Kubernetes API server, made on this machine at
 * its first start and kept in `<dataDir>/kube/pki` (git-ignored):
 * - a serving certificate for 127.0.0.1/localhost, self-signed, so it is also
 *   the CA its clients trust (node:crypto cannot write certificates: openssl does);
 * - the service-account key pair (node:crypto): the server signs the tokens
 *   of the TokenRequest API with it, as a cluster's does;
 * - a static admin token (system:masters) for the test harness.
 * Local-development values: they only ever open this loopback server.
 */
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface KubePki {
  servingCert: string;
  servingKey: string;
  serviceAccountKey: string;
  serviceAccountPub: string;
  /** kube-apiserver --token-auth-file: token,user,uid,"group" */
  tokenFile: string;
  adminToken: string;
}

export const ADMIN_USER = 'ticketing-admin';

function pkiPaths(dir: string): Omit<KubePki, 'adminToken'> {
  return {
    servingCert: path.join(dir, 'serving.crt'),
    servingKey: path.join(dir, 'serving.key'),
    serviceAccountKey: path.join(dir, 'service-account.key'),
    serviceAccountPub: path.join(dir, 'service-account.pub'),
    tokenFile: path.join(dir, 'tokens.csv'),
  };
}

const write = (file: string, content: string) => fs.writeFileSync(file, content, { mode: 0o600 });

/** Creates what is missing in `dir` and returns the paths and the admin token. */
export function ensureKubePki(dir: string): KubePki {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const p = pkiPaths(dir);
  if (!fs.existsSync(p.servingCert) || !fs.existsSync(p.servingKey)) {
    execFileSync(
      'openssl',
      [
        'req', '-x509', '-nodes', '-days', '825',
        '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1',
        '-subj', '/CN=ticketing-local-kube-apiserver',
        '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
        '-keyout', p.servingKey, '-out', p.servingCert,
      ],
      { stdio: 'pipe' },
    );
    fs.chmodSync(p.servingKey, 0o600);
  }
  if (!fs.existsSync(p.serviceAccountKey) || !fs.existsSync(p.serviceAccountPub)) {
    const { privateKey, publicKey } = generateKeyPairSync('ec', {
      namedCurve: 'P-256',
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      publicKeyEncoding: { type: 'spki', format: 'pem' },
    });
    write(p.serviceAccountKey, privateKey);
    write(p.serviceAccountPub, publicKey);
  }
  if (!fs.existsSync(p.tokenFile)) {
    write(p.tokenFile, `${randomBytes(24).toString('hex')},${ADMIN_USER},${ADMIN_USER},"system:masters"\n`);
  }
  const adminToken = fs.readFileSync(p.tokenFile, 'utf8').split(',')[0]!;
  return { ...p, adminToken };
}
