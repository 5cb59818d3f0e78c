#!/usr/bin/env node
// tokencheck conform adapter for the npm package agora-access-token 2.0.4,
// which builds only AccessToken (006) tokens: 007 requests are answered
// "unsupported".
//
// Protocol (see tokencheck's README, "Conformance"): one JSON request per line
// on stdin, one JSON answer per line on stdout, nothing else on stdout.
//   {"id", "builder", "inputs"}  ->  {"id", "token"} | {"id", "error"}
//   {"id", "parse": TOKEN}       ->  {"id", "ok": true, "fields": {...}} | {"id", "ok": false}
//
// The builders set ts = now + 24 h and use a salt drawn once per process. The
// vectors fix both, so, as the reference drivers did, the AccessToken
// constructor is wrapped at run time: the original runs, then ts and salt are
// overwritten with the request's values. No package source is changed. The
// wrap is installed before the builder modules load, because they keep the
// constructor they imported.
'use strict'

const readline = require('readline')

// stdout carries the protocol only: the packages' parsers console.log their
// errors, so send console output to stderr.
console.log = (...args) => console.error(...args)

const at1mod = require('agora-access-token/src/AccessToken')

let fixed = null // {ts, salt}

const OrigAccessToken = at1mod.AccessToken
at1mod.AccessToken = function (...args) {
    const t = new OrigAccessToken(...args)
    if (fixed) {
        t.ts = fixed.ts
        t.salt = fixed.salt
    }
    return t
}

const { RtcTokenBuilder, RtmTokenBuilder } = require('agora-access-token')

const builders = {
    at1: i => {
        const t = new at1mod.AccessToken(i.app_id, i.app_certificate, i.channel, i.uid)
        for (const [k, v] of i.privileges) {
            t.addPriviledge(k, v)
        }
        return t.build()
    },
    rtc1_uid: i => RtcTokenBuilder.buildTokenWithUid(i.app_id, i.app_certificate, i.channel, i.uid, i.role, i.privilege_expired_ts),
    rtc1_account: i => RtcTokenBuilder.buildTokenWithAccount(i.app_id, i.app_certificate, i.channel, i.account, i.role, i.privilege_expired_ts),
    rtm1: i => RtmTokenBuilder.buildToken(i.app_id, i.app_certificate, i.account, i.role, i.privilege_expired_ts),
}

function parse(tok) {
    if (!tok.startsWith('006')) {
        return { error: 'unsupported: version ' + tok.slice(0, 3) + ' (agora-access-token reads 006 only)' }
    }
    const t = new OrigAccessToken('', '', '', '')
    if (!t.fromString(tok)) {
        return { ok: false }
    }
    const privileges = {}
    for (const k of Object.keys(t.messages || {})) {
        privileges[k] = t.messages[k]
    }
    // fromString of this package does not keep the app ID (it computes it and
    // drops it), so app_id is not reported.
    return { ok: true, fields: { salt: t.salt, ts: t.ts, crc_channel: t.crc_channel_name, crc_uid: t.crc_uid, privileges } }
}

function handle(req) {
    if (req.parse !== undefined) {
        return Object.assign({ id: req.id }, parse(req.parse))
    }
    const build = builders[req.builder]
    if (!build) {
        return { id: req.id, error: 'unsupported: builder ' + req.builder + ' (agora-access-token builds 006 only)' }
    }
    fixed = { ts: req.inputs.ts, salt: req.inputs.salt }
    try {
        const token = build(req.inputs)
        if (!token) {
            return { id: req.id, error: 'the builder returned an empty token' }
        }
        return { id: req.id, token }
    } finally {
        fixed = null
    }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
rl.on('line', line => {
    if (!line.trim()) {
        return
    }
    let req
    try {
        req = JSON.parse(line)
    } catch (e) {
        process.stdout.write(JSON.stringify({ id: '', error: 'bad request: ' + e.message }) + '\n')
        return
    }
    let answer
    try {
        answer = handle(req)
    } catch (e) {
        answer = { id: req.id, error: String(e && e.message ? e.message : e) }
    }
    process.stdout.write(JSON.stringify(answer) + '\n')
})
