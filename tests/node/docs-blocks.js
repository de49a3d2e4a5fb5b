'use strict'
/**
 * What the docs test reads in README.md and docs/*.md: the fenced code blocks (with the info
 * string's language and attributes: ```js harness=express, ```sh not-run="why", ```rust,no_run),
 * the headings' anchors as GitHub makes them, and the relative links. Pure functions of the text.
 */
const fs = require('node:fs')
const path = require('node:path')

const root = path.join(__dirname, '..', '..')

/** README.md and every docs/*.md, as paths relative to the repository. */
function docFiles () {
  const docs = fs.readdirSync(path.join(root, 'docs')).filter((f) => f.endsWith('.md')).sort().map((f) => `docs/${f}`)
  return ['README.md', ...docs]
}

/**
 * The fenced blocks of a Markdown text: `{ line, lang, attrs, info, code }`, `line` 1-based (the
 * opening fence). The language is the info string's first word (up to a space or a comma, as
 * rustdoc reads `rust,no_run`); the attributes are the words after it, `name` or `name=value` or
 * `name="a value"` (and rustdoc's comma-separated words).
 */
function blocks (text) {
  const out = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const open = /^( {0,3})(`{3,}|~{3,})(.*)$/.exec(lines[i])
    if (!open) continue
    const fence = open[2]
    const info = open[3].trim()
    const body = []
    let j = i + 1
    for (; j < lines.length; j++) {
      const close = new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).exec(lines[j])
      if (close) break
      body.push(lines[j].slice(Math.min(open[1].length, /^ */.exec(lines[j])[0].length)))
    }
    const lang = (/^[^\s,]*/.exec(info)[0] || '').toLowerCase()
    out.push({ line: i + 1, lang, attrs: attributes(info.slice(lang.length)), info, code: body.join('\n') + '\n' })
    i = j
  }
  return out
}

function attributes (rest) {
  const attrs = {}
  for (const m of rest.matchAll(/([\w-]+)(?:=(?:"([^"]*)"|([^\s,]*)))?/g)) {
    attrs[m[1]] = m[2] ?? m[3] ?? true
  }
  return attrs
}

/** The text outside fenced blocks, with the fenced lines blanked (so line numbers stay). */
function prose (text) {
  const lines = text.split('\n')
  for (const b of blocks(text)) {
    const end = b.line + b.code.split('\n').length - 1 // the closing fence's index (0-based)
    for (let k = b.line - 1; k <= end && k < lines.length; k++) lines[k] = ''
  }
  return lines.join('\n')
}

/**
 * The anchors of a Markdown text's headings, as GitHub makes them: the heading's text as rendered
 * (code spans and emphasis marks gone, a link's text kept), lowercased, every character that is not
 * a letter, a digit, a mark, `_`, `-` or a space dropped, spaces turned into hyphens; a repeated
 * anchor gets `-1`, `-2`, ….
 */
function anchors (text) {
  const seen = new Map()
  const out = []
  for (const line of prose(text).split('\n')) {
    const h = /^ {0,3}#{1,6}[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/.exec(line)
    if (!h) continue
    const rendered = h[1].replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1').replace(/`/g, '').replace(/\*/g, '')
    const base = rendered.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, '').replace(/ /g, '-')
    const n = seen.get(base) || 0
    seen.set(base, n + 1)
    out.push(n ? `${base}-${n}` : base)
  }
  return out
}

/** The inline links and images of a Markdown text, outside code: `{ line, target }`. */
function links (text) {
  const out = []
  prose(text).split('\n').forEach((line, i) => {
    const bare = line.replace(/(`+)[\s\S]*?\1/g, '') // code spans hold no links
    for (const m of bare.matchAll(/!?\[(?:[^\][]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
      out.push({ line: i + 1, target: m[1] })
    }
  })
  return out
}

module.exports = { root, docFiles, blocks, prose, anchors, links }
