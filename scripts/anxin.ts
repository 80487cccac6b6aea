#!/usr/bin/env node
/**
 * The anxin command line:
 *
 *   anxin init [--data DIR] [--origin ORIGIN] [--operator-key FILE] [--regulator-pubkey KEY]
 *   anxin keygen --id ID --out FILE
 *   anxin export (--data DIR | --database URL)    NDJSON to stdout
 *   anxin verify (--export FILE | --data DIR | --database URL) --origin ORIGIN --operator-key KEY [--max-skew S]
 *   anxin migrate --data DIR --database URL       copy a LevelDB ledger into an empty PostgreSQL database, verify the copy
 *   anxin sign --key FILE [--holder FILE]        envelope JSON on stdin → signed envelope
 *   anxin post --url URL --key FILE [--holder FILE] [--operator-key KEY] [--proof FILE]
 *   anxin get --url URL --key FILE PATH
 *   anxin tiles --data DIR --out DIR
 *   anxin witness --key FILE --data DIR --listen HOST:PORT --policy FILE
 *   anxin verify-proof --policy FILE PROOF
 *   anxin epcis import --key FILE [--url URL] [--dry-run] [--parties FILE] [--storage CLASS] DOC
 *   anxin verifier --out DIR --log URL --policy FILE   a static verifier site (SPEC §12)
 *
 * Exit codes: 0 success, 1 failure (verification failed, request rejected), 2 bad arguments.
 */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import {
  exportNdjson,
  isDatabaseUrl,
  migrateStore,
  openStore,
  verifyDatabase,
  withStore,
  generateKey,
  nodeSuite,
  parsePolicy,
  readKeyFile,
  verifyDataDir,
  verifyExport,
  withSnapshot,
  writeKeyFile,
  type VerifyReport,
} from '../ledger/index.js';
import { AnxinClient, ProblemError } from '../src/client/client.js';
import { Catalogue } from '../src/domain/catalogue.js';
import { domainReplay } from '../src/domain/replay.js';
import { DOMAINS } from '../src/plugins.js';
import { ID_PATTERN } from '../schemas/common.js';
import { loadConfig } from '../src/config.js';
import { openLedger } from '../src/service.js';
import { checkEntryProof } from '../src/tlog/proof.js';
import { startWitnessServer } from '../src/witness/server.js';
import { writeTilesFromDir } from './tiles.js';
import { epcisImport } from './epcis-import.js';
import { STORAGE_CLASSES, type StorageClass } from '../schemas/trace.js';
import { writeVerifierSite } from './verifier.js';

class UsageError extends Error {}

const USAGE = `usage:
  anxin init [--data DIR] [--origin ORIGIN] [--operator-key FILE] [--regulator-pubkey KEY]
                                                create a new ledger in an empty directory (flags override ANXIN_*)
  anxin keygen --id ID --out FILE
  anxin export (--data DIR | --database URL)    NDJSON to stdout
  anxin verify (--export FILE | --data DIR | --database URL) --origin ORIGIN --operator-key KEY [--max-skew S]
  anxin migrate --data DIR --database URL       copy a LevelDB ledger into an empty PostgreSQL database, verify the copy
  anxin sign --key FILE [--holder FILE]         envelope JSON on stdin → signed envelope
  anxin post --url URL --key FILE [--holder FILE] [--operator-key KEY] [--proof FILE]
  anxin get --url URL --key FILE PATH
  anxin tiles --data DIR --out DIR             the log as tlog-tiles files, incrementally
  anxin witness --key FILE --data DIR --listen HOST:PORT --policy FILE
                                                a tlog-witness that replays the anxin rules
  anxin verify-proof --policy FILE PROOF        checks a tlog-proof offline
  anxin epcis import --key FILE [--url URL] [--dry-run] [--parties FILE] [--storage CLASS] DOC
                                                EPCIS 2.0 JSON-LD → signed anxin food events, posted (or printed)
  anxin verifier --out DIR --log URL --policy FILE [--lang zh-CN|en]
                                                writes a static verifier site: trace.html?code=CODE, card.html?card=ID (SPEC §12)`;

/**
 * `--name VALUE` → `--name=VALUE` for string options, so that a value may begin with a dash:
 * one base64url key in 64 does, and parseArgs would otherwise take it for an option.
 */
const joinValues = (argv: string[], options: Record<string, { type: 'string' | 'boolean' }>): string[] => {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i].startsWith('--') ? argv[i].slice(2) : undefined;
    if (name && options[name]?.type === 'string' && i + 1 < argv.length) out.push(`${argv[i]}=${argv[++i]}`);
    else out.push(argv[i]);
  }
  return out;
};

const args = (argv: string[], options: Record<string, { type: 'string' | 'boolean' }>, positionals = 0) => {
  let parsed;
  try {
    parsed = parseArgs({ args: joinValues(argv, options), options, allowPositionals: positionals > 0, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument ${parsed.positionals[positionals]}`);
  return { values: parsed.values as Record<string, string | boolean | undefined>, positionals: parsed.positionals };
};

const need = (values: Record<string, unknown>, name: string): string => {
  const v = values[name];
  if (typeof v !== 'string' || !v) throw new UsageError(`--${name} is required`);
  return v;
};

/** A base64url public key, or a key file whose publicKey is used. */
const publicKeyArg = (value: string): string => {
  if (/^[A-Za-z0-9_-]{43}$/.test(value)) return value;
  if (existsSync(value)) {
    try {
      const k = JSON.parse(readFileSync(value, 'utf8'));
      if (typeof k.publicKey === 'string') return k.publicKey;
    } catch {
      // fall through
    }
  }
  throw new UsageError(`--operator-key must be a base64url public key or a key file; got ${value}`);
};

const keyArg = (path: string) => {
  try {
    return readKeyFile(path);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
};

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

const stdinJson = async (): Promise<any> => {
  const text = await readStdin();
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError('stdin is not JSON');
  }
};

const write = (line: string): Promise<void> | void => {
  if (!process.stdout.write(line)) return new Promise((r) => process.stdout.once('drain', () => r()));
};

const printReport = (report: VerifyReport): number => {
  console.log(JSON.stringify(report, null, 2));
  if (report.ok) console.error(`anxin verify: ok — ${report.size} entries, root ${report.root}`);
  else {
    const [first] = report.errors;
    console.error(`anxin verify: FAILED at index ${first.index}: ${first.code} — ${first.detail} (${report.errors.length} error(s))`);
  }
  return report.ok ? 0 : 1;
};

const commands: Record<string, (argv: string[]) => Promise<number>> = {
  /** The explicit way to create a ledger (docs/OPERATIONS.md): only on an empty data directory. */
  async init(argv) {
    const { values } = args(argv, {
      data: { type: 'string' },
      origin: { type: 'string' },
      'operator-key': { type: 'string' },
      'regulator-pubkey': { type: 'string' },
    });
    const env = { ...process.env };
    if (values.data) env.ANXIN_DATA = values.data as string;
    if (values.origin) env.ANXIN_ORIGIN = values.origin as string;
    if (values['operator-key']) env.ANXIN_OPERATOR_KEY = values['operator-key'] as string;
    if (values['regulator-pubkey']) env.ANXIN_REGULATOR_PUBKEY = values['regulator-pubkey'] as string;
    let config;
    try {
      config = loadConfig(env);
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const { ledger } = await openLedger(config, { mode: 'init', log: (line) => console.error(line) });
    const genesis = ledger.entry(0)!;
    console.log(JSON.stringify({ origin: ledger.origin, operatorKey: ledger.operatorKey, data: config.dataDir, genesis: genesis.hash }));
    await ledger.close();
    return 0;
  },

  async keygen(argv) {
    const { values } = args(argv, { id: { type: 'string' }, out: { type: 'string' } });
    const id = need(values, 'id');
    const out = need(values, 'out');
    if (!ID_PATTERN.test(id)) throw new UsageError(`--id ${id} is not a valid actor id`);
    if (existsSync(out)) throw new UsageError(`${out} exists; not overwriting a key file`);
    const key = generateKey(id);
    writeKeyFile(out, key);
    console.log(JSON.stringify({ id: key.id, publicKey: key.publicKey, file: out }));
    return 0;
  },

  async export(argv) {
    const { values } = args(argv, { data: { type: 'string' }, database: { type: 'string' } });
    if (!values.data === !values.database) throw new UsageError('give exactly one of --data DIR or --database URL');
    if (values.database && !isDatabaseUrl(values.database as string)) throw new UsageError('--database must be a postgres:// URL');
    await withStore({ path: values.data as string | undefined, database: values.database as string | undefined }, (store) =>
      exportNdjson(store, write),
    );
    return 0;
  },

  async migrate(argv) {
    const { values } = args(argv, { data: { type: 'string' }, database: { type: 'string' } });
    const data = need(values, 'data');
    const database = need(values, 'database');
    if (!isDatabaseUrl(database)) throw new UsageError('--database must be a postgres:// URL');
    if (!existsSync(data)) throw new UsageError(`no directory ${data}`);
    const report = await withSnapshot(data, async (source) => {
      const target = await openStore({ database, create: true });
      try {
        return await migrateStore(source, target);
      } finally {
        await target.close();
      }
    });
    console.log(JSON.stringify({ ...report, verify: { ...report.verify, errors: report.verify.errors.slice(0, 10) } }, null, 2));
    if (report.ok)
      console.error(
        `anxin migrate: ok — ${report.entries} entries, ${report.checkpoints} checkpoints, ${report.stateKeys} state keys, verified`,
      );
    else console.error('anxin migrate: FAILED — the copy does not verify or differs from the source');
    return report.ok ? 0 : 1;
  },

  async verify(argv) {
    const { values } = args(argv, {
      export: { type: 'string' },
      data: { type: 'string' },
      database: { type: 'string' },
      origin: { type: 'string' },
      'operator-key': { type: 'string' },
      'max-skew': { type: 'string' },
    });
    if ([values.export, values.data, values.database].filter(Boolean).length !== 1)
      throw new UsageError('give exactly one of --export FILE, --data DIR or --database URL');
    if (values.database && !isDatabaseUrl(values.database as string)) throw new UsageError('--database must be a postgres:// URL');
    const maxSkewS = values['max-skew'] === undefined ? 600 : Number(values['max-skew']);
    if (!Number.isInteger(maxSkewS) || maxSkewS <= 0) throw new UsageError('--max-skew must be a positive integer (seconds)');
    const options = {
      origin: need(values, 'origin'),
      operatorKey: publicKeyArg(need(values, 'operator-key')),
      hook: domainReplay(new Catalogue(DOMAINS), { maxSkewS }),
    };
    if (values.export && !existsSync(values.export as string)) throw new UsageError(`no file ${values.export}`);
    if (values.data && !existsSync(values.data as string)) throw new UsageError(`no directory ${values.data}`);
    const report = values.export
      ? await verifyExport(values.export as string, options)
      : values.database
        ? await verifyDatabase(values.database as string, options)
        : await verifyDataDir(values.data as string, options);
    return printReport(report);
  },

  async sign(argv) {
    const { values } = args(argv, { key: { type: 'string' }, holder: { type: 'string' } });
    const key = keyArg(need(values, 'key'));
    const holder = values.holder ? keyArg(values.holder as string) : undefined;
    const input = await stdinJson();
    const client = new AnxinClient({ baseUrl: 'http://localhost/', suite: nodeSuite, key });
    const { sig: _s, cosig: _c, ...rest } = input;
    const envelope = client.sign({ ...client.build(rest.type, rest.body, rest), ...rest }, holder);
    console.log(JSON.stringify(envelope));
    return 0;
  },

  async post(argv) {
    const { values } = args(argv, {
      url: { type: 'string' },
      key: { type: 'string' },
      holder: { type: 'string' },
      'operator-key': { type: 'string' },
      proof: { type: 'string' },
    });
    const key = keyArg(need(values, 'key'));
    const holder = values.holder ? keyArg(values.holder as string) : undefined;
    const proofFile = values.proof as string | undefined;
    if (proofFile && existsSync(proofFile)) throw new UsageError(`${proofFile} exists; not overwriting a proof`);
    const client = new AnxinClient({ baseUrl: need(values, 'url'), suite: nodeSuite, key });
    const anchor = values['operator-key'] ? publicKeyArg(values['operator-key'] as string) : undefined;
    const input = await stdinJson();
    const { sig: _s, cosig: _c, ...rest } = input;
    const envelope = client.sign({ ...client.build(rest.type, rest.body, rest), ...rest }, holder);
    // Check the pinned trust anchor before anything is sent: an event posted to the wrong ledger cannot be taken back.
    if (anchor && (await client.trustAnchor()).operatorKey !== anchor) {
      console.error('anxin post: the server names another operator key than --operator-key; nothing was posted');
      return 1;
    }
    const receipt = await client.post(envelope);
    const bad = await client.verifyReceipt(envelope, receipt);
    console.log(JSON.stringify(receipt, null, 2));
    if (bad) {
      console.error(`anxin post: the receipt does not verify: ${bad}`);
      return 1;
    }
    console.error(`anxin post: entry ${receipt.index} appended; inclusion proof verified against checkpoint ${receipt.checkpoint.size}`);
    if (proofFile) {
      // The proof is against the newest cosigned checkpoint, which may take the witnesses a moment to reach the entry.
      for (let attempt = 1; ; attempt++) {
        try {
          writeFileSync(proofFile, await client.entryProof(receipt.index), { flag: 'wx' });
          console.error(`anxin post: its tlog-proof is in ${proofFile} (check it with anxin verify-proof)`);
          break;
        } catch (e) {
          if (!(e instanceof ProblemError && e.status === 404) || attempt >= 30) {
            console.error(`anxin post: the proof could not be stored: ${(e as Error).message}`);
            return 1;
          }
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
    return 0;
  },

  async get(argv) {
    const { values, positionals } = args(argv, { url: { type: 'string' }, key: { type: 'string' } }, 1);
    if (!positionals[0]?.startsWith('/')) throw new UsageError('give the path to GET, e.g. /v1/checkpoint');
    const client = new AnxinClient({ baseUrl: need(values, 'url'), suite: nodeSuite, key: keyArg(need(values, 'key')) });
    console.log(JSON.stringify(await client.get(positionals[0]), null, 2));
    return 0;
  },
};

commands.tiles = async (argv) => {
  const { values } = args(argv, { data: { type: 'string' }, out: { type: 'string' } });
  const data = need(values, 'data');
  if (!existsSync(data)) throw new UsageError(`no directory ${data}`);
  const r = await writeTilesFromDir(data, need(values, 'out'));
  console.log(JSON.stringify(r));
  console.error(`anxin tiles: ${r.files} file(s) written, ${values.out} now holds the log at size ${r.size}`);
  return 0;
};

commands.witness = async (argv) => {
  const { values } = args(argv, {
    key: { type: 'string' },
    data: { type: 'string' },
    listen: { type: 'string' },
    policy: { type: 'string' },
  });
  const key = keyArg(need(values, 'key'));
  const dataDir = need(values, 'data');
  const m = /^(.+):(\d{1,5})$/.exec(need(values, 'listen'));
  if (!m) throw new UsageError('--listen is HOST:PORT, e.g. 127.0.0.1:7380');
  let policy;
  try {
    policy = parsePolicy(nodeSuite, readFileSync(need(values, 'policy'), 'utf8'));
  } catch (e) {
    throw new UsageError(`--policy: ${(e as Error).message}`);
  }
  for (const l of policy.logs)
    if (!l.url) throw new UsageError(`--policy: the log ${l.key.name} has no URL (its tiles prefix, e.g. https://host/tlog)`);
  mkdirSync(dataDir, { recursive: true });
  const { server, witness, url } = await startWitnessServer(
    { key, policy, dataDir, replay: true, log: (line) => console.error(line) },
    m[1],
    Number(m[2]),
  );
  console.log(JSON.stringify({ name: key.id, vkey: witness.vkey.vkey, url, logs: policy.logs.map((l) => l.key.name) }));
  await new Promise<void>((resolve) => {
    const stop = () => server.close(() => resolve());
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  return 0;
};

commands['verify-proof'] = async (argv) => {
  const { values, positionals } = args(argv, { policy: { type: 'string' } }, 1);
  if (!positionals[0]) throw new UsageError('give the proof file');
  const readText = (path: string, what: string) => {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      throw new UsageError(`cannot read ${what} ${path}`);
    }
  };
  let policy;
  try {
    policy = parsePolicy(nodeSuite, readText(need(values, 'policy'), 'the policy'));
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`--policy: ${(e as Error).message}`);
  }
  const checked = checkEntryProof(nodeSuite, policy, readText(positionals[0], 'the proof'));
  if (typeof checked === 'string') {
    console.log(JSON.stringify({ ok: false, reason: checked }, null, 2));
    console.error(`anxin verify-proof: FAILED — ${checked}`);
    return 1;
  }
  console.log(JSON.stringify({ ok: true, ...checked }, null, 2));
  const witnesses = Object.keys(checked.cosignedBy);
  console.error(
    `anxin verify-proof: ok — entry ${checked.index} of ${checked.origin} is in its tree of size ${checked.size}` +
      (witnesses.length ? `, cosigned by ${witnesses.join(', ')}` : ''),
  );
  return 0;
};

/** The largest EPCIS document `anxin epcis import` reads. */
const EPCIS_MAX_BYTES = 256 << 20;

commands.epcis = async (argv) => {
  const [sub, ...rest] = argv;
  if (sub !== 'import') throw new UsageError(`unknown epcis command ${sub ?? '(none)'}; try anxin epcis import`);
  const { values, positionals } = args(
    rest,
    {
      key: { type: 'string' },
      url: { type: 'string' },
      'dry-run': { type: 'boolean' },
      parties: { type: 'string' },
      storage: { type: 'string' },
    },
    1,
  );
  const file = positionals[0];
  if (!file) throw new UsageError('give the EPCIS document (JSON-LD file)');
  const dryRun = values['dry-run'] === true;
  if (!dryRun) need(values, 'url');
  const storage = values.storage as string | undefined;
  if (storage !== undefined && !(STORAGE_CLASSES as readonly string[]).includes(storage))
    throw new UsageError(`--storage is one of ${STORAGE_CLASSES.join(', ')}`);
  let parties: Record<string, string> | undefined;
  if (values.parties) {
    try {
      parties = JSON.parse(readFileSync(values.parties as string, 'utf8'));
    } catch (e) {
      throw new UsageError(`--parties: ${(e as Error).message}`);
    }
    if (!parties || typeof parties !== 'object' || Object.values(parties).some((v) => typeof v !== 'string' || !ID_PATTERN.test(v)))
      throw new UsageError('--parties is a JSON object mapping EPCIS party and location identifiers to anxin actor ids');
  }
  let text;
  try {
    // A bound on what is parsed whole in memory: a day of a large processor's events is far smaller.
    if (statSync(file).size > EPCIS_MAX_BYTES) throw new UsageError(`${file} is larger than ${EPCIS_MAX_BYTES >> 20} MiB; split it`);
    text = readFileSync(file, 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read ${file}`);
  }
  return epcisImport({
    key: keyArg(need(values, 'key')),
    url: values.url as string | undefined,
    dryRun,
    text,
    file,
    parties,
    storage: storage as StorageClass | undefined,
  });
};

commands.verifier = async (argv) => {
  const { values } = args(argv, { out: { type: 'string' }, log: { type: 'string' }, policy: { type: 'string' }, lang: { type: 'string' } });
  const out = need(values, 'out');
  const log = need(values, 'log');
  let policy: string;
  try {
    policy = readFileSync(need(values, 'policy'), 'utf8');
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`cannot read the policy ${String(values.policy)}`);
  }
  if (values.lang !== undefined && values.lang !== 'zh-CN' && values.lang !== 'en') throw new UsageError('--lang is zh-CN or en');
  let site;
  try {
    site = writeVerifierSite(nodeSuite, { out, log, policy, lang: values.lang as 'zh-CN' | 'en' | undefined });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  console.error(
    `anxin verifier: wrote ${site.files.length} files to ${out} for log ${site.origin} at ${log}; serve ${out}/trace.html?code=CODE and ${out}/card.html?card=ID`,
  );
  return 0;
};

const main = async (): Promise<number> => {
  const [name, ...argv] = process.argv.slice(2);
  const command = name && Object.hasOwn(commands, name) ? commands[name] : undefined;
  if (!command) {
    console.error(name && name !== '--help' ? `anxin: unknown command ${name}\n\n${USAGE}` : USAGE);
    return name === '--help' ? 0 : 2;
  }
  try {
    return await command(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`anxin ${name}: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e instanceof ProblemError) {
      console.error(`anxin ${name}: ${e.message}`);
      if (e.body) console.log(JSON.stringify(e.body, null, 2));
      return 1;
    }
    console.error(`anxin ${name}: ${(e as Error).message}`);
    return 1;
  }
};

process.exitCode = await main();
