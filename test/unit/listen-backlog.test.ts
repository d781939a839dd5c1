import { spawn } from 'node:child_process';
import express from 'express';
import { listen, LISTEN_BACKLOG } from '../../services/shared/http';

// A flash sale opens thousands of connections at once. Those the kernel cannot
// queue for accept() are dropped and retried seconds later, so the services
// listen with a backlog far above Node's default of 511.
describe('service listen backlog', () => {
  it('queues well over 511 connections that arrive while the process is busy', async () => {
    const server = await listen(express(), 0, '127.0.0.1');
    const wanted = 1500;
    expect(LISTEN_BACKLOG).toBeGreaterThan(wanted);
    try {
      // Another process connects while this one blocks its event loop: only the
      // kernel's accept queue can take the connections meanwhile.
      const connector = `
        const net = require('node:net');
        let connected = 0;
        const sockets = [];
        for (let i = 0; i < ${wanted}; i++) {
          const s = net.connect(${server.port}, '127.0.0.1', () => connected++);
          s.on('error', () => {});
          sockets.push(s);
        }
        setTimeout(() => { process.stdout.write(String(connected)); sockets.forEach((s) => s.destroy()); process.exit(0); }, 700);
      `;
      const child = spawn(process.execPath, ['-e', connector], { stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      const exited = new Promise((r) => child.on('exit', r));
      const until = Date.now() + 1_200;
      while (Date.now() < until) {
        // busy: no accept() runs until the child has counted
      }
      await exited;
      expect(Number(out)).toBe(wanted);
    } finally {
      await server.close();
    }
  }, 15_000);
});
