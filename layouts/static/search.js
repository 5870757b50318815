/* Digest search, in the browser, on the index that digest build writes
   under /search/ (format: generator/search). Pure functions
   first (node tests them), then the page code. */
(() => {
'use strict';
const W = '\\p{L}\\p{Nd}\\p{Mn}\\p{Mc}',
  SPLIT = new RegExp(`[^${W}]+`, 'u'),
  WORD = new RegExp(`[${W}]+`, 'gu'),
  C = '\\p{sc=Han}\\p{sc=Hiragana}\\p{sc=Katakana}',
  RUN = new RegExp(`[${C}]|[^${C}]+`, 'gu'),
  B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_',
  VAL = new Int8Array(128),
  MAX = 40, GAP = 8, BUDGET = 200, PBUDGET = 160;
for (let i = 0; i < 64; i++) VAL[B64.charCodeAt(i)] = i;

// fold lowercases a word and drops its diacritics, like Go's fold.
const fold = w => w.toLowerCase().replace(/ς/g, 'σ').normalize('NFD')
  .replace(/[\u0300-\u036f]/g, '').normalize('NFC');
const cap = t => { const a = [...t]; return a.length > MAX ? a.slice(0, MAX).join('') : t; };
const len = t => [...t].length;

// terms is search.Terms: the normalised words of s, in order.
function terms(s) {
  const out = [];
  for (const w of s.split(SPLIT)) if (w) for (const t of fold(w).match(RUN) || []) out.push(cap(t));
  return out;
}

// parse reads a query: its distinct words; pre, the words that may match
// as a prefix or with a typo (all but those in quotes); phrases, the runs
// of words in quotes.
function parse(q) {
  const words = [], pre = new Set(), phrases = [];
  q.split('"').forEach((part, i) => {
    const ts = terms(part);
    for (const t of ts) {
      if (!words.includes(t)) words.push(t);
      if (i % 2 == 0 && len(t) > 1) pre.add(t);
    }
    if (i % 2 && ts.length > 1) phrases.push(ts);
  });
  for (const ph of phrases) for (const t of ph) pre.delete(t);
  return { words, pre, phrases };
}

// varints reads base-32 varints (see generator/search).
function varints(s) {
  const out = [];
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const c = VAL[s.charCodeAt(i)];
    v = v * 32 + (c & 31);
    if (c < 32) out.push(v), v = 0;
  }
  return out;
}

// decode reads one list of document numbers: gaps or a "~" bitmap, or
// the lists of the main index and of the tail joined with ",".
function decode(s) {
  const out = [];
  if (s.includes(',')) return s.split(',').flatMap(decode);
  if (s[0] == '~') {
    for (let i = 1; i < s.length; i++) {
      const c = VAL[s.charCodeAt(i)];
      for (let k = 0; k < 6; k++) if (c >> k & 1) out.push((i - 1) * 6 + k);
    }
  } else {
    let d = -1;
    for (const v of varints(s)) out.push(d += v + 1);
  }
  return out;
}

// positions reads a term's positions: a map from each document of its
// postings value val to where the term is in it.
function positions(val, s) {
  const docs = val.split('.').flatMap(decode).sort((a, b) => a - b), v = varints(s), m = new Map();
  let i = 0;
  for (const d of docs) {
    const at = [];
    for (let n = v[i++], p = -1; n > 0; n--) at.push(p += v[i++] + 1);
    m.set(d, at);
  }
  return m;
}

// shardOf is the shard of t's longest prefix in keys (key → shard), or -1.
function shardOf(keys, t) {
  for (let l = t.length; l >= 0; l--) {
    const i = keys.get(t.slice(0, l));
    if (i !== undefined) return i;
  }
  return -1;
}

// near tells whether a and b are one edit apart: a letter added, dropped,
// changed, or two neighbours swapped.
function near(a, b) {
  if (Math.abs(a.length - b.length) > 1 || a == b) return false;
  let i = 0;
  while (a[i] == b[i]) i++;
  const r = (x, y) => a.slice(x) == b.slice(y);
  return r(i + 1, i + 1) || r(i + 1, i) || r(i, i + 1) || a[i] == b[i + 1] && a[i + 1] == b[i] && r(i + 2, i + 2);
}

// side is one kind of shard of index m, t (terms) or p (positions): a
// shard for each key of the main index and of its tail, made of the terms
// that are the shard's in the main index's file of the key's longest
// prefix among its keys, and in the tail's likewise. A file is named by
// its bytes, the i-th shard's the 16 characters at 16·i in meta.json's
// list fs: the main index's and the tail's may be one file, read for
// both.
function side(m, dir, k, kb, fs) {
  const t = m.tail || { [k]: [] }, list = [...new Set([...m[k], ...t[k]])],
    main = new Map(m[k].map((x, i) => [x, i])), tail = new Map(t[k].map((x, i) => [x, i]));
  return {
    dir, list, keys: new Map(list.map((x, i) => [x, i])), files: list.map(x => {
      const i = shardOf(main, x), j = shardOf(tail, x);
      return [...i < 0 ? [] : [[`${dir}/${m[fs].substr(16 * i, 16)}.json`, m[kb][i]]], ...j < 0 ? [] : [[`${dir}/${t[fs].substr(16 * j, 16)}.json`, t[kb][j]]]];
    }),
  };
}

// join is the value of a key in the main index, a, with its value in the
// tail, b: the same stem, or each list of postings, or the positions, of
// both.
const join = (a, b, pos) => pos ? a + b : a[0] == '=' ? a :
  b.split('.').reduce((o, l, t) => (o[t] = o[t] && l ? o[t] + ',' + l : o[t] || l, o), a.split('.')).join('.');

// open gives the index of meta.json m, whose other files read(path)
// fetches (a promise of their JSON), for find and filter.
function open(m, read) {
  const x = {
    meta: m, t: side(m, 't', 'keys', 'kb', 'files'), p: side(m, 'p', 'pkeys', 'pkb', 'pfiles'), shards: [], pshards: [], got: new Set(),
    // load fills into with the shards is of side s, as maps.
    load: (s, into, is) => Promise.all(is.map(async i => {
      if (into[i]) return;
      const fs = s.files[i], os = await Promise.all(fs.map(([f]) => (x.got.add(f), read(f)))), sh = new Map();
      for (const o of os) for (const [k, v] of Object.entries(o)) if (shardOf(s.keys, k) == i) sh.set(k, sh.has(k) ? join(sh.get(k), v, s.dir == 'p') : v);
      into[i] = sh;
    })),
  };
  return x;
}

// cost is the KiB of the files of side s's shards is not fetched yet.
const cost = (s, is, got) => [...new Map(is.flatMap(i => s.files[i]).filter(([f]) => !got.has(f)))].reduce((n, [, kb]) => n + kb, 0);

// plan picks the shards of side t that hold p's words and, for each word
// that may be a prefix, the longer terms it starts. A prefix whose files
// not fetched yet (got) add up to over budget KiB matches exactly instead.
function plan(t, p, got, budget) {
  const need = new Set(p.words.map(w => shardOf(t.keys, w)));
  for (const w of p.pre) {
    const wide = t.list.flatMap((k, i) => k.length > w.length && k.startsWith(w) ? [i] : []);
    if (cost(t, wide, got) > budget) p.pre.delete(w);
    else wide.forEach(i => need.add(i));
  }
  need.delete(-1);
  return [...need];
}

// match gives, for each word of p, a map from the index keys it matches
// to how: 3 the word or its stem, 2 as a prefix, 1 with a typo. A key is
// a stem: a word's "=stem" is followed. need lists the shards of stems
// not loaded yet; match is run again once they are.
function match(p, keys, shards) {
  const need = new Set(), get = k => (shards[shardOf(keys, k)] || new Map()).get(k);
  const ms = p.words.map(w => {
    const m = new Map(), typo = p.pre.has(w) && len(w) >= 5, add = (k, how) => {
      const v = get(k), t = v && v[0] == '=' ? v.slice(1) : k;
      if (v && !(m.get(t) >= how)) m.set(t, how);
      if (v && !get(t)) need.add(shardOf(keys, t));
    };
    add(w, 3);
    if (p.pre.has(w) || typo) for (const s of shards) if (s) for (const k of s.keys()) {
      if (k[0] == '#' || k[0] == '@') continue; // a filter, not a word
      if (p.pre.has(w) && k != w && k.startsWith(w)) add(k, 2);
      else if (typo && near(w, k)) add(k, 1);
    }
    return m;
  });
  need.delete(-1);
  return { ms, need: [...need] };
}

// rank gives [doc, typos, near, score, tier] for the documents that match
// every word (each a map from key to [value, how] of match), best first:
// fewest words matched only with a typo, then words together (next to
// each other 2, in one field 1), then the fields they are in (headline 4,
// tag 3, summary or source 2, body 1) and how they match, then newest.
// pos has, for a word, the positions of its own key, when loaded; a
// phrase (numbers of words) whose every word has them must be there in
// order. keep, when given, filters documents.
function rank(words, n, pos, phrases, keep) {
  const ws = words.map(l => {
    const m = new Uint8Array(n), docs = [];
    for (const [val, how] of l) val.split('.').forEach((s, t) => {
      const x = 4 * t + 4 + how;
      for (const d of decode(s)) {
        if (!m[d]) docs.push(d);
        if (m[d] < x) m[d] = x;
      }
    });
    return [m, docs];
  });
  const order = ws.map((w, i) => i).sort((a, b) => ws[a][1].length - ws[b][1].length), out = [];
  if (ws.length) for (const d of ws[order[0]][1]) {
    if (keep && !keep(d)) continue;
    let typos = 0, score = 0, tiers = new Set(), at = [];
    for (const [m] of ws) {
      const x = m[d];
      if (!x) { score = -1; break; }
      typos += x % 4 == 1, score += x, tiers.add(x >> 2);
    }
    if (score < 0) continue;
    const p = pos.map(m => m && m.get(d));
    if (phrases.some(ph => !phrase(ph.map(i => p[i])))) continue;
    let close = tiers.size == 1 && ws.length > 1 ? 1 : 0;
    if (ws.length > 1 && p.every(x => x)) {
      const s = span(p);
      close = s < ws.length + 1 ? 2 : s < GAP ? 1 : 0;
    }
    out.push([d, typos, close, score, Math.min(...tiers)]);
  }
  return out.sort((a, b) => a[1] - b[1] || b[2] - a[2] || b[3] - a[3] || b[0] - a[0]);
}

// phrase tells whether the lists of positions ps (of the phrase's words,
// in order) hold the words one after another; a missing list passes.
function phrase(ps) {
  if (ps.some(x => !x)) return true;
  return ps[0].some(a => ps.every((x, i) => x.includes(a + i)));
}

// span is the width of the narrowest window with a position of each list.
function span(ps) {
  const all = ps.flatMap((x, i) => x.map(a => [a, i])).sort((a, b) => a[0] - b[0]), c = ps.map(() => 0);
  let best = 1e9, have = 0;
  for (let lo = 0, hi = 0; hi < all.length; hi++) {
    if (!c[all[hi][1]]++) have++;
    for (; have == ps.length; lo++) {
      best = Math.min(best, all[hi][0] - all[lo][0]);
      if (!--c[all[lo][1]]) have--;
    }
  }
  return best;
}

// marks gives the [start, end) ranges of text whose words are in forms or
// start with one of pre.
function marks(text, forms, pre) {
  const r = [];
  for (const m of text.matchAll(WORD)) for (const n of m[0].matchAll(RUN)) {
    const t = cap(fold(n[0])), at = m.index + n.index;
    if (t && (forms.has(t) || [...pre].some(p => t.startsWith(p)))) r.push([at, at + n[0].length]);
  }
  return r;
}

// excerpt cuts text to about max characters around the first range.
function excerpt(text, r, max) {
  if (text.length <= max) return [text, r];
  const hit = r.length ? r[0][0] : 0;
  let a = Math.max(0, hit - 60), b;
  if (a) a = Math.min(hit, text.indexOf(' ', a) + 1 || hit);
  b = a + max;
  if (b < text.length) b = Math.max(text.lastIndexOf(' ', b), r.length ? r[0][1] : a + 1);
  else b = text.length;
  const off = a ? 1 : 0;
  return [(a ? '…' : '') + (b < text.length ? text.slice(a, b).replace(/[\s,;:]+$/, '') + '…' : text.slice(a)),
    r.filter(x => x[0] >= a && x[1] <= b).map(x => [x[0] - a + off, x[1] - a + off])];
}

// days reads f.json's day counts: the first document of each day from
// day0, and one past the last.
function days(f) {
  const starts = [0];
  for (const c of varints(f.days)) starts.push(starts[starts.length - 1] + c);
  return d => starts[Math.max(0, Math.min(starts.length - 1, Math.floor((Date.parse(d) - Date.parse(f.day0)) / 864e5)))];
}

// find runs query p on index x (see open); keep
// filters documents. It gives the documents found, ranked (see rank), or
// all those keep takes, newest first, when p has no words; and the
// query's forms and prefixes, to mark in the results.
async function find(x, p, keep) {
  const { meta, t, shards, pshards } = x, keys = t.keys, pkeys = x.p.keys,
    lookup = k => (shards[shardOf(keys, k)] || new Map()).get(k);
  if (keep === null || !p.words.length) return {
    found: keep ? Array.from({ length: meta.docs }, (_, d) => [d]).filter(([d]) => keep(d)).reverse() : [],
    forms: new Set(), pre: new Set(),
  };
  await x.load(t, shards, plan(t, p, x.got, BUDGET));
  let m = match(p, keys, shards);
  if (m.need.length) await x.load(t, shards, m.need), m = match(p, keys, shards);
  // The positions of each word's own key, for phrases and nearness,
  // unless their shards are large.
  const own = m.ms.map(x => [...x].find(([, how]) => how == 3)),
    pis = [...new Set(own.map(o => o ? shardOf(pkeys, o[0]) : -1))].filter(i => i >= 0);
  if (p.words.length > 1 && cost(x.p, pis, x.got) <= PBUDGET) await x.load(x.p, pshards, pis);
  const pos = own.map(o => {
    const s = o && pshards[shardOf(pkeys, o[0])];
    return s && s.has(o[0]) ? positions(lookup(o[0]), s.get(o[0])) : null;
  });
  const all = new Set(m.ms.flatMap(x => [...x.keys()])), forms = new Set();
  for (const s of shards) if (s) for (const [k, val] of s) if (all.has(val[0] == '=' ? val.slice(1) : k)) forms.add(k);
  return {
    found: rank(m.ms.map(x => [...x].map(([k, how]) => [lookup(k), how])), meta.docs, pos,
      p.phrases.map(ph => ph.map(w => p.words.indexOf(w))), keep),
    forms, pre: new Set([...p.pre].filter(w => m.ms[p.words.indexOf(w)].size > 1)),
  };
}

// filter gives the test of the filters in v (tag, source, from, to) on
// a document number: undefined when there are none (f, f.json, is not
// given), null when a tag or source is unknown. x is the index, as for
// find.
async function filter(x, f, v) {
  if (!f) return;
  const tests = [], day = days(f), lo = v.from ? day(v.from) : 0,
    hi = v.to ? day(new Date(Date.parse(v.to) + 864e5).toISOString()) : 1e9;
  for (const [name, sign] of [['tag', '#'], ['source', '@']]) if (v[name]) {
    const want = fold(v[name].trim()), hit = f[name + 's'].find(([n, s]) => s == want || fold(n) == want);
    if (!hit) return null;
    const k = sign + hit[1], i = shardOf(x.t.keys, k);
    await x.load(x.t, x.shards, [i]);
    const docs = new Set(decode(x.shards[i] && x.shards[i].get(k) || ''));
    tests.push(d => docs.has(d));
  }
  tests.push(d => d >= lo && d < hi);
  return d => tests.every(t => t(d));
}

if (typeof document == 'undefined') {
  module.exports = { terms, parse, decode, positions, shardOf, near, open, plan, match, rank, phrase, span, marks, excerpt, days, find, filter };
  return;
}

// The page: see layouts/search.html.
const $ = id => document.getElementById('search-' + id), form = $('form'), input = $('q'),
  status = $('status'), list = $('results'), more = $('more');
if (!form) return;
// The page's words, in its language (search.html).
const words = JSON.parse(($('words') || {}).textContent || 0) ||
  { results: {}, none: '', failed: '', tags: '' }, rules = new Intl.PluralRules(document.documentElement.lang);
const base = new URL('search/', document.currentScript.src).href, title = document.title,
  PAGE = 10, cache = new Map();
let meta, ix, seq = 0, timer, found = [], shown = 0, forms = new Set(), pre = new Set(), said = '';

// get fetches an index file: meta.json afresh, a shard by the name of
// its bytes, any other file with the build's version, so that the page
// never mixes two builds' files and a shard that did not change is
// fetched once, whatever builds came since.
function get(path) {
  let p = cache.get(path);
  if (!p) {
    const first = path == 'meta.json', v = first || /^[tp]\//.test(path) ? '' : '?v=' + meta.v;
    p = fetch(base + path + v, { cache: first ? 'no-cache' : 'default' })
      .then(r => { if (!r.ok) throw Error(r.status); return r.json(); });
    p.catch(() => cache.delete(path));
    cache.set(path, p);
  }
  return p;
}
const load = () => get('meta.json').then(m => { meta = m, ix = open(m, get); });
let ready = load();

async function search(v, again) {
  const my = ++seq, p = parse(v.q || '');
  if (!p.words.length && !v.tag && !v.source && !v.from && !v.to) {
    found = [];
    list.replaceChildren();
    more.hidden = true;
    return say('');
  }
  try {
    await (ready = ready.catch(load)); // a failed load is tried again
    const r = await find(ix, p, await filter(ix, v.tag || v.source || v.from || v.to ? await get('f.json') : null, v));
    if (my != seq) return;
    ({ found, forms, pre } = r);
    if (v.sort == 'newest' || v.sort == 'oldest') found.sort((a, b) => v.sort == 'oldest' ? a[0] - b[0] : b[0] - a[0]);
    shown = 0;
    await show(my, v.q || '');
  } catch (e) {
    // A newer build may have replaced the shards meta.json named: read
    // it again, once.
    if (my == seq && !again) return (cache.clear(), ready = load(), search(v, true));
    if (my == seq) say(words.failed);
  }
}

// show adds the next page of results.
async function show(my, text) {
  const part = found.slice(shown, shown + PAGE), at = (d, n) => [Math.floor(d / n), d % n];
  const rows = await Promise.all(part.map(async ([d, , , , tier]) => {
    const [c, i] = at(d, meta.dchunk), [bc, bi] = at(d, meta.bchunk);
    return [(await get(`d/${c}.json`))[i], tier == 1 ? (await get(`b/${bc}.json`))[bi] : ''];
  }));
  if (my != seq) return;
  const f = document.createDocumentFragment();
  for (const [doc, body] of rows) f.append(item(doc, body));
  if (shown) list.append(f); else list.replaceChildren(f);
  shown += part.length;
  more.hidden = shown >= found.length;
  if (text !== undefined) {
    const n = found.length, q = text.trim(), f = (q ? words.results : words.matches) || {};
    say((n ? f[rules.select(n)] || f.other || '{count}' : q ? words.none : words.nothing).replace('{count}', n).replace('{query}', q));
  }
}

const el = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const k in attrs) e.setAttribute(k, attrs[k]);
  e.append(...kids);
  return e;
};

// marked is text with the query's words in <mark>, made of text nodes:
// nothing from the index is ever parsed as HTML.
function marked(text, r) {
  const f = document.createDocumentFragment();
  let at = 0;
  for (const [a, b] of r || marks(text, forms, pre)) {
    f.append(text.slice(at, a), el('mark', {}, text.slice(a, b)));
    at = b;
  }
  f.append(text.slice(at));
  return f;
}

function item([title, url, iso, date, source, summary, tags], body) {
  const text = body || summary, ul = el('ul', { class: 'tags', 'aria-label': words.tags }),
    li = el('li', { class: 'card' }, el('h2', { class: 'card-title' }, el('a', { href: url }, marked(title))),
      el('p', { class: 'meta' }, ...source ? [marked(source), el('span', { class: 'sep', 'aria-hidden': 'true' }, ' · ')] : [],
        el('time', { datetime: iso }, date)));
  if (text) li.append(el('p', { class: 'summary' }, marked(...excerpt(text, marks(text, forms, pre), 280))));
  for (let i = 0; i < tags.length; i += 2) ul.append(el('li', {}, el('a', { href: tags[i + 1], rel: 'tag' }, marked(tags[i]))));
  if (tags.length) li.append(ul);
  return li;
}

function say(text) {
  if (text != said) status.textContent = said = text;
}

// go searches for what the form says, and puts it in the address: only
// the fields that are set, so a link to a search stays short.
function go() {
  clearTimeout(timer);
  const v = {}, u = new URLSearchParams();
  for (const [k, x] of new FormData(form)) if (x.trim()) v[k] = x, u.set(k, x);
  history.replaceState(null, '', u + '' ? '?' + u : location.pathname);
  document.title = v.q ? `${v.q.trim()} — ${title}` : title;
  search(v);
}

// The datalists offer the tags and sources once the reader goes to them.
form.addEventListener('focusin', e => {
  const l = e.target.list;
  if (l && !l.children.length) get('f.json').then(f => l.append(...f[l.id.slice(7)].map(([n]) => el('option', { value: n }))), () => {});
});
// Words are searched as they are typed; a tag or source once chosen
// (Enter, or leaving the field), a date once whole: on change.
input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(go, 100); });
form.addEventListener('submit', e => { e.preventDefault(); go(); });
form.onchange = go;
more.addEventListener('click', async () => {
  const first = shown;
  await show(seq);
  const a = list.children[first] && list.children[first].querySelector('a');
  if (a) a.focus();
});
const u = new URLSearchParams(location.search);
let any = false;
if (u.get('sort') == 'date') u.set('sort', 'newest'); // the address of an older digest
for (const e of form.elements) if (e.name && u.get(e.name)) e.value = u.get(e.name), any = true;
if (any) go();
})();
