import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, it } from 'node:test';
import { AppError } from '../errors.ts';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to the embedded database under .tend/pgdata on 127.0.0.1:3000', () => {
    const config = loadConfig({}, {}, '/srv/tend');
    assert.deepEqual(config, {
      databaseUrl: undefined,
      dataDir: path.join('/srv/tend', '.tend', 'pgdata'),
      host: '127.0.0.1',
      port: 3000,
      logLevel: 'info',
    });
    assert.ok(Object.isFrozen(config));
  });

  it('reads the environment, and flags override it', () => {
    const config = loadConfig(
      { DATABASE_URL: 'postgres://localhost/tend', PORT: '8080', TEND_DATA_DIR: 'db' },
      { PORT: '9090' },
      '/srv',
    );
    assert.equal(config.databaseUrl, 'postgres://localhost/tend');
    assert.equal(config.port, 9090);
    assert.equal(config.dataDir, path.join('/srv', 'db'));
  });

  it('treats an empty DATABASE_URL as unset', () => {
    assert.equal(loadConfig({ DATABASE_URL: '' }).databaseUrl, undefined);
  });

  it('lists every problem at once', () => {
    assert.throws(
      () => loadConfig({ DATABASE_URL: 'mysql://x', PORT: '70000', LOG_LEVEL: 'loud' }),
      (error: unknown) => {
        assert.ok(error instanceof AppError);
        assert.equal(error.code, 'CONFIG_INVALID');
        assert.deepEqual(error.details.map((detail) => detail.split(':')[0]).sort(), [
          'DATABASE_URL',
          'LOG_LEVEL',
          'PORT',
        ]);
        return true;
      },
    );
  });
});
