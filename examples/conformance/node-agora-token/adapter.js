#!/usr/bin/env node
// tokencheck conform adapter for the npm package agora-token 2.0.6.
//
// Protocol (see tokencheck's README, "Conformance"): one JSON request per line
// on stdin, one JSON answer per line on stdout, nothing else on stdout.
//   {"id", "builder", "inputs"}  ->  {"id", "token"} | {"id", "error"}
//   {"id", "parse": TOKEN}       ->  {"id", "ok": true, "fields": {...}} | {"id", "ok": false}
// An error starting with "unsupported" means "not implemented here".
//
// The builders take the issue time from the clock and draw a random salt. The
// vectors fix both, so, as the reference drivers did, the AccessToken2 and
// AccessToken constructors are wrapped at run time: the original constructor
// runs, then issue_ts/salt (006: ts/salt) are overwritten with the request's
// values. No package source is changed. The wrap must be installed before the
// builder modules are loaded, because they keep a reference to the
// constructor they imported.
'use strict'

const readline = require('readline')

// stdout carries the protocol only: the packages' parsers console.log their
// errors, so send console output to stderr.
console.log = (...args) => console.error(...args)

const at2mod = require('agora-token/src/AccessToken2')
const at1mod = require('agora-token/src/AccessToken')

let fixed = null // {issue_ts, salt} for 007; {ts, salt} for 006

const OrigAccessToken2 = at2mod.AccessToken2
class FixedAccessToken2 extends OrigAccessToken2 {
    constructor(...args) {
        super(...args)
        if (fixed && fixed.issue_ts !== undefined) {
            this.issueTs = fixed.issue_ts
            this.salt = fixed.salt
        }
    }
}
at2mod.AccessToken2 = FixedAccessToken2

const OrigAccessToken = at1mod.AccessToken
at1mod.AccessToken = function (...args) {
    const t = new OrigAccessToken(...args)
    if (fixed && fixed.ts !== undefined) {
        t.ts = fixed.ts
        t.salt = fixed.salt
    }
    return t
}

const { RtcTokenBuilder, RtmTokenBuilder, ChatTokenBuilder, EducationTokenBuilder, ApaasTokenBuilder,
    FpaTokenBuilder, ConvoAITokenBuilder, SttTokenBuilder, Rtm2Permissions } = require('agora-token')
const RtcTokenBuilder006 = require('agora-token/src/RtcTokenBuilder').RtcTokenBuilder
const RtmTokenBuilder006 = require('agora-token/src/RtmTokenBuilder').RtmTokenBuilder

function permissions(list) {
    const p = new Rtm2Permissions()
    for (const g of list || []) {
        p.add(g.resource_type, g.permission_type, g.resources)
    }
    return p
}

// at2: services added explicitly, as the reference unit tests do.
function buildAT2(i) {
    const t = new FixedAccessToken2(i.app_id, i.app_certificate, i.issue_ts, i.expire)
    const classes = {
        1: s => new at2mod.ServiceRtc(s.channel, s.account),
        2: s => new at2mod.ServiceRtm(s.user_id),
        3: s => new at2mod.ServiceStreaming(s.channel, s.account),
        4: () => new at2mod.ServiceFpa(),
        5: s => new at2mod.ServiceChat(s.user_id),
        6: s => new at2mod.ServiceFCdn(s.channel, s.account),
        7: s => new at2mod.ServiceApaas(s.room_uuid, s.user_uuid, s.role),
        8: s => new at2mod.ServiceRtm2(s.user_id, permissions(s.permissions)),
        9: () => new at2mod.ServiceConvoAI(),
        10: () => new at2mod.ServiceStt(),
    }
    for (const s of i.services) {
        const make = classes[s.type]
        if (!make) {
            throw new Error(`unsupported: service type ${s.type}`)
        }
        const svc = make(s)
        for (const [k, v] of s.privileges) {
            svc.add_privilege(k, v)
        }
        t.add_service(svc)
    }
    return t.build()
}

function buildAT1(i) {
    const t = new at1mod.AccessToken(i.app_id, i.app_certificate, i.channel, i.uid)
    for (const [k, v] of i.privileges) {
        t.addPriviledge(k, v)
    }
    return t.build()
}

const builders = {
    at2: buildAT2,
    rtc2_uid: i => RtcTokenBuilder.buildTokenWithUid(i.app_id, i.app_certificate, i.channel, i.uid, i.role, i.token_expire, i.privilege_expire),
    rtc2_account: i => RtcTokenBuilder.buildTokenWithUserAccount(i.app_id, i.app_certificate, i.channel, i.account, i.role, i.token_expire, i.privilege_expire),
    rtc2_uid_priv: i => RtcTokenBuilder.buildTokenWithUidAndPrivilege(i.app_id, i.app_certificate, i.channel, i.uid, i.token_expire,
        i.join_channel_privilege_expire, i.pub_audio_privilege_expire, i.pub_video_privilege_expire, i.pub_data_stream_privilege_expire),
    rtc2_account_priv: i => RtcTokenBuilder.BuildTokenWithUserAccountAndPrivilege(i.app_id, i.app_certificate, i.channel, i.account, i.token_expire,
        i.join_channel_privilege_expire, i.pub_audio_privilege_expire, i.pub_video_privilege_expire, i.pub_data_stream_privilege_expire),
    rtc2_rtm: i => RtcTokenBuilder.buildTokenWithRtm(i.app_id, i.app_certificate, i.channel, i.account, i.role, i.token_expire, i.privilege_expire),
    rtc2_rtm2: i => RtcTokenBuilder.buildTokenWithRtm2(i.app_id, i.app_certificate, i.channel, i.rtc_account, i.rtc_role, i.rtc_token_expire,
        i.join_channel_privilege_expire, i.pub_audio_privilege_expire, i.pub_video_privilege_expire, i.pub_data_stream_privilege_expire,
        i.rtm_user_id, i.rtm_token_expire),
    convoai: i => ConvoAITokenBuilder.buildToken(i.app_id, i.app_certificate, i.channel, i.rtc_account, i.rtc_role, i.rtc_token_expire,
        i.join_channel_privilege_expire, i.pub_audio_privilege_expire, i.pub_video_privilege_expire, i.pub_data_stream_privilege_expire,
        i.rtm_user_id, i.rtm_token_expire),
    stt: i => SttTokenBuilder.buildToken(i.app_id, i.app_certificate, i.channel, i.rtc_account, i.rtc_role, i.rtc_token_expire,
        i.join_channel_privilege_expire, i.pub_audio_privilege_expire, i.pub_video_privilege_expire, i.pub_data_stream_privilege_expire,
        i.rtm_user_id, i.rtm_token_expire),
    rtm2_token: i => RtmTokenBuilder.buildToken(i.app_id, i.app_certificate, i.user_id, i.expire),
    rtm2_perm: i => RtmTokenBuilder.buildTokenWithPermissions(i.app_id, i.app_certificate, i.user_id, permissions(i.permissions), i.expire),
    chat_user: i => ChatTokenBuilder.buildUserToken(i.app_id, i.app_certificate, i.user_id, i.expire),
    chat_app: i => ChatTokenBuilder.buildAppToken(i.app_id, i.app_certificate, i.expire),
    edu_room_user: i => EducationTokenBuilder.buildRoomUserToken(i.app_id, i.app_certificate, i.room_uuid, i.user_uuid, i.role, i.expire),
    edu_user: i => EducationTokenBuilder.buildUserToken(i.app_id, i.app_certificate, i.user_uuid, i.expire),
    edu_app: i => EducationTokenBuilder.buildAppToken(i.app_id, i.app_certificate, i.expire),
    apaas_room_user: i => ApaasTokenBuilder.buildRoomUserToken(i.app_id, i.app_certificate, i.room_uuid, i.user_uuid, i.role, i.expire),
    apaas_user: i => ApaasTokenBuilder.buildUserToken(i.app_id, i.app_certificate, i.user_uuid, i.expire),
    apaas_app: i => ApaasTokenBuilder.buildAppToken(i.app_id, i.app_certificate, i.expire),
    fpa: i => FpaTokenBuilder.buildToken(i.app_id, i.app_certificate),
    at1: buildAT1,
    rtc1_uid: i => RtcTokenBuilder006.buildTokenWithUid(i.app_id, i.app_certificate, i.channel, i.uid, i.role, i.privilege_expired_ts),
    rtc1_account: i => RtcTokenBuilder006.buildTokenWithAccount(i.app_id, i.app_certificate, i.channel, i.account, i.role, i.privilege_expired_ts),
    rtm1: i => RtmTokenBuilder006.buildToken(i.app_id, i.app_certificate, i.account, i.role, i.privilege_expired_ts),
}

function privilegeMap(m) {
    const out = {}
    for (const k of Object.keys(m || {})) {
        out[k] = m[k]
    }
    return out
}

// parse reads a token with the package's own parser and reports its fields.
function parse(tok) {
    if (tok.startsWith('007')) {
        const t = new OrigAccessToken2()
        if (!t.from_string(tok)) {
            return { ok: false }
        }
        return {
            ok: true, fields: {
                app_id: t.appId.toString(), issue_ts: t.issueTs, expire: t.expire, salt: t.salt,
                services: t.services.map(s => ({ type: s.service_type(), privileges: privilegeMap(s.__privileges) })),
            },
        }
    }
    if (tok.startsWith('006')) {
        const t = new OrigAccessToken('', '', '', '')
        if (!t.fromString(tok)) {
            return { ok: false }
        }
        return {
            ok: true, fields: {
                app_id: t.appID, salt: t.salt, ts: t.ts, crc_channel: t.crc_channel_name, crc_uid: t.crc_uid,
                privileges: privilegeMap(t.messages),
            },
        }
    }
    return { error: 'unsupported: version ' + tok.slice(0, 3) }
}

function handle(req) {
    if (req.parse !== undefined) {
        return Object.assign({ id: req.id }, parse(req.parse))
    }
    const build = builders[req.builder]
    if (!build) {
        return { id: req.id, error: 'unsupported: builder ' + req.builder }
    }
    const i = req.inputs
    fixed = i.issue_ts !== undefined ? { issue_ts: i.issue_ts, salt: i.salt } : { ts: i.ts, salt: i.salt }
    try {
        const token = build(i)
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
