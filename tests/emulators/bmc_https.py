#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""An emulator of the HTTPS side of HP iLO and Fujitsu iRMC boards, for the
ilo and irmc plugins' tests (no board can run here).  One TLS port serves:

  Redfish (DMTF DSP0266), as iLO 4/5/6 and iRMC S5/S6 answer it:
    GET  /redfish, /redfish/v1/ (service root, no login needed)
    POST /redfish/v1/SessionService/Sessions  {"UserName","Password"}
         -> 201, X-Auth-Token and Location headers; DELETE Location -> 204
    GET  /redfish/v1/Systems, /redfish/v1/Systems/<id>  (PowerState, the
         #ComputerSystem.Reset action and its ResetType@Redfish.AllowableValues)
    POST /redfish/v1/Systems/<id>/Actions/ComputerSystem.Reset {"ResetType"}
    Basic authentication is accepted too (fence_redfish uses it).
  RIBCL (HP's "Remote Insight Board Command Language"), iLO 2 to 4:
    POSTed to /ribcl (iLO 3/4), or sent raw over the TLS stream as iLO 2
    takes it (fence_ilo's way): the answer is one <?xml?> document per
    command, each with its RESPONSE STATUS, as the boards send them.

The simulated host's power is the file STATE/power ("On" or "Off").  Files
in STATE make the board misbehave, read on every request:
  refuse-login   every login is refused (wrong credentials)
  slow           answers wait this many seconds (the file's content)
  stuck          power-off and reset commands are accepted and do nothing
  malformed      replies are cut short: broken JSON and XML
  silent         connections are accepted and never answered
  no-sessions    a Redfish service without sessions: the root names no
                 SessionService and no Links.Sessions; a POST to the usual
                 Sessions path is 401 with WWW-Authenticate: Basic; HTTP
                 Basic works (services seen in the field)
  session-204    sessions are created with 204 No Content, X-Auth-Token and
                 Location, as DMTF's Redfish mockup server answers
  refuse-reset   resets are refused with 400: the extended info carries only
                 a MessageId, the reason is in error.message (as boards do)
Every request is logged to --log as one line ("GET /redfish/v1/Systems/1",
"RIBCL HOLD_PWR_BTN", ...), passwords never.
"""
import argparse
import base64
import http.server
import json
import os
import re
import secrets
import socket
import socketserver
import ssl
import sys
import threading
import time
import xml.sax.saxutils as su

RIBCL_VERSION = "2.23"


class Board:
    def __init__(self, state, flavor, user, password, log):
        self.state = state
        self.flavor = flavor
        self.user = user
        self.password = password
        self.log_path = log
        self.lock = threading.Lock()
        self.sessions = {}
        self.system_id = "1" if flavor == "ilo" else "0"
        if not os.path.exists(self.path("power")):
            self.set_power("On")

    def path(self, name):
        return os.path.join(self.state, name)

    def flag(self, name):
        return os.path.exists(self.path(name))

    def log(self, line):
        if self.log_path:
            with self.lock, open(self.log_path, "a") as f:
                f.write(line + "\n")

    def power(self):
        with open(self.path("power")) as f:
            return f.read().strip() or "On"

    def set_power(self, value):
        tmp = self.path("power.tmp")
        with open(tmp, "w") as f:
            f.write(value + "\n")
        os.replace(tmp, self.path("power"))

    def slow(self):
        if self.flag("slow"):
            try:
                with open(self.path("slow")) as f:
                    time.sleep(float(f.read().strip() or "5"))
            except ValueError:
                time.sleep(5)

    def credentials_ok(self, user, password):
        return not self.flag("refuse-login") and user == self.user and password == self.password

    # the power actions both protocols share
    def force_off(self):
        if not self.flag("stuck"):
            self.set_power("Off")

    def power_on(self):
        self.set_power("On")

    def restart(self):
        if not self.flag("stuck"):
            self.set_power("On")


# ---- RIBCL ---------------------------------------------------------------------
def ribcl_doc(status=0, message="No error", body=""):
    return ('<?xml version="1.0"?>\r\n<RIBCL VERSION="%s">\r\n<RESPONSE\r\n    STATUS="0x%04X"\r\n'
            "    MESSAGE='%s'\r\n     />\r\n%s</RIBCL>\r\n" % (RIBCL_VERSION, status, message, body))


TAG = re.compile(r"<(/?)([A-Za-z_?][A-Za-z0-9_]*)((?:\s+[A-Za-z_]+\s*=\s*(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)\??>")
ATTR = re.compile(r"([A-Za-z_]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")


class RibclSession:
    """Commands in the order they arrive: a whole POSTed document, or a raw
    stream tag by tag (iLO 2 answers each command as soon as it is read)."""

    def __init__(self, board):
        self.board = board
        self.logged_in = False
        self.mode = "read"
        self.refused = False

    def feed_tag(self, closing, name, attrs, selfclosing):
        b = self.board
        name = name.upper()
        if name == "?XML" or closing:
            if closing and name == "LOGIN":
                self.logged_in = False
            return ""
        if name == "RIBCL":
            return ""
        if name == "LOGIN":
            user = attrs.get("USER_LOGIN", "")
            ok = b.credentials_ok(user, attrs.get("PASSWORD", ""))
            b.log("RIBCL LOGIN %s %s" % (user, "ok" if ok else "refused"))
            if not ok:
                self.refused = True
                return ribcl_doc(0x005F, "Login failed.")
            self.logged_in = True
            return ""
        if name in ("SERVER_INFO", "RIB_INFO"):
            self.mode = attrs.get("MODE", "read").lower()
            return ""
        if not self.logged_in:
            return ribcl_doc(0x0001, "Syntax error: %s outside LOGIN" % name)
        b.log("RIBCL %s%s" % (name, "".join(" %s=%s" % kv for kv in sorted(attrs.items()))))
        write = name in ("SET_HOST_POWER", "HOLD_PWR_BTN", "PRESS_PWR_BTN", "COLD_BOOT_SERVER", "RESET_SERVER")
        if write and self.mode != "write":
            return ribcl_doc(0x0043, "The SERVER_INFO must be in write mode.")
        on = b.power() == "On"
        if name == "GET_HOST_POWER_STATUS":
            body = '<GET_HOST_POWER\r\n    HOST_POWER="%s"\r\n     />\r\n' % ("ON" if on else "OFF")
            if b.flag("malformed"):
                return '<?xml version="1.0"?>\r\n<RIBCL VERSION="2.23">\r\n<RESPONSE STATUS="0x0000" <GET_HOST'
            return ribcl_doc(body=body)
        if name == "GET_FW_VERSION":
            proc = "iLO2" if b.flavor == "ilo2" else "iLO4"
            body = ('<GET_FW_VERSION\r\n    FIRMWARE_VERSION = "2.78"\r\n    FIRMWARE_DATE = "Apr 28 2021"\r\n'
                    '    MANAGEMENT_PROCESSOR = "%s"\r\n    LICENSE_TYPE = "iLO Advanced"\r\n    />\r\n' % proc)
            return ribcl_doc(body=body)
        if name == "SET_HOST_POWER":
            want = attrs.get("HOST_POWER", "").lower()
            if want in ("yes", "on"):
                b.power_on()
            elif want in ("no", "off"):
                b.force_off()
            else:
                return ribcl_doc(0x0004, "Syntax error: HOST_POWER must be Yes or No.")
            return ribcl_doc()
        if name == "HOLD_PWR_BTN":
            toggle = attrs.get("TOGGLE", "yes").lower() == "yes"
            if on:
                b.force_off()
            elif toggle:
                b.power_on()
            return ribcl_doc()
        if name == "PRESS_PWR_BTN":
            if on:
                b.force_off()  # the OS shuts down; here at once
            else:
                b.power_on()
            return ribcl_doc()
        if name in ("COLD_BOOT_SERVER", "RESET_SERVER"):
            if not on:
                return ribcl_doc(0x0004, "Server being reset is not on." if name == "RESET_SERVER"
                                 else "Host power is already OFF.")
            b.restart()
            return ribcl_doc()
        return ribcl_doc(0x0001, "Syntax error: Line #0: syntax error near \">\" in the line: \" %s\"." % name)

    def feed_text(self, text):
        """Every complete tag in text; returns (answer, rest of text)."""
        out = []
        pos = 0
        while True:
            m = TAG.search(text, pos)
            if not m:
                break
            attrs = {k.upper(): (v1 if v1 or not v2 else v2) for k, v1, v2 in ATTR.findall(m.group(3))}
            out.append(self.feed_tag(m.group(1) == "/", m.group(2), attrs, m.group(4) == "/"))
            pos = m.end()
            if self.refused:
                break
        return "".join(out), text[pos:]


# ---- HTTP: Redfish and RIBCL over POST ------------------------------------------------
class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "hafence-bmc-emulator"

    def log_message(self, fmt, *args):
        pass

    @property
    def board(self):
        return self.server.board

    def handle(self):
        b = self.board
        if b.flag("silent"):
            time.sleep(60)
            return
        try:
            first = self.rfile.peek(1)[:1]
        except (OSError, ValueError):
            return
        if first == b"<":
            self.ribcl_stream()
        else:
            super().handle()

    def ribcl_stream(self):
        """iLO 2: RIBCL straight over TLS, answered command by command."""
        session = RibclSession(self.board)
        buf = ""
        greeted = False
        while True:
            chunk = self.rfile.read1(4096)
            if not chunk:
                return
            buf += chunk.decode("utf-8", "replace")
            if not greeted and "?>" in buf:
                greeted = True  # the board answers the bare XML declaration
                self.board.slow()
                self.wfile.write(ribcl_doc().encode())
                buf = buf[buf.index("?>") + 2:]
            answer, buf = session.feed_text(buf)
            if answer:
                self.board.slow()
                self.wfile.write(answer.encode())
                self.wfile.flush()
            if session.refused:
                return

    def send_json(self, code, obj, headers=None):
        body = json.dumps(obj, indent=1).encode()
        if self.board.flag("malformed"):
            body = body[: len(body) // 2]
        self.send_response(code)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("OData-Version", "4.0")
        self.send_header("Content-Length", str(len(body)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def send_empty(self, code):
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def error(self, code, msgid, text):
        self.send_json(code, {"error": {"code": "Base.1.8.GeneralError", "message": text,
                                        "@Message.ExtendedInfo": [{"MessageId": msgid, "Message": text}]}})

    def read_body(self):
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def authorized(self):
        b = self.board
        token = self.headers.get("X-Auth-Token")
        if token and token in b.sessions and not b.flag("refuse-login"):
            return True
        auth = self.headers.get("Authorization", "")
        if auth.startswith("Basic "):
            try:
                user, _, pw = base64.b64decode(auth[6:]).decode().partition(":")
            except ValueError:
                return False
            ok = b.credentials_ok(user, pw)
            b.log("BASIC %s %s" % (user, "ok" if ok else "refused"))
            return ok
        return False

    def system(self):
        b = self.board
        sid = b.system_id
        allowed = ["On", "ForceOff", "GracefulShutdown", "ForceRestart", "Nmi", "PushPowerButton"]
        if b.flavor == "irmc":
            allowed = ["On", "ForceOff", "GracefulShutdown", "GracefulRestart", "ForceRestart", "PowerCycle",
                       "Nmi"]
        return {
            "@odata.context": "/redfish/v1/$metadata#ComputerSystem.ComputerSystem",
            "@odata.id": "/redfish/v1/Systems/%s" % sid,
            "@odata.type": "#ComputerSystem.v1_10_0.ComputerSystem",
            "Id": sid,
            "Name": "Computer System",
            "Manufacturer": "HPE" if b.flavor.startswith("ilo") else "FUJITSU",
            "Model": "ProLiant DL360 Gen10" if b.flavor.startswith("ilo") else "PRIMERGY RX2540 M5",
            "PowerState": b.power(),
            "Status": {"State": "Enabled", "Health": "OK"},
            "Actions": {"#ComputerSystem.Reset": {
                "target": "/redfish/v1/Systems/%s/Actions/ComputerSystem.Reset" % sid,
                "ResetType@Redfish.AllowableValues": allowed}},
        }

    def root_oem(self):
        # what HPE's own tools (ilorest) read to tell the iLO generation
        if self.board.flavor.startswith("ilo"):
            gen = "iLO 2" if self.board.flavor == "ilo2" else "iLO 5"
            return {"Hpe": {"@odata.type": "#HpeiLOServiceExt.v2_3_0.HpeiLOServiceExt",
                            "Manager": [{"ManagerType": gen, "ManagerFirmwareVersion": "2.78"}]}}
        return {"ts_fujitsu": {"@odata.type": "#FTSServiceRoot.v1_0_0.FTSServiceRoot"}}

    def collection(self, path, members):
        return {"@odata.id": path + "/", "Name": path.rsplit("/", 1)[-1], "Members@odata.count": len(members),
                "Members": [{"@odata.id": m} for m in members]}

    def do_GET(self):
        b = self.board
        b.log("GET %s" % self.path)
        b.slow()
        path = self.path.rstrip("/")
        if path == "/redfish":
            return self.send_json(200, {"v1": "/redfish/v1/"})
        if path == "/redfish/v1":
            return self.send_json(200, {
                "@odata.context": "/redfish/v1/$metadata#ServiceRoot.ServiceRoot",
                "@odata.id": "/redfish/v1/", "@odata.type": "#ServiceRoot.v1_5_0.ServiceRoot",
                "Id": "RootService", "Name": "Root Service", "RedfishVersion": "1.6.0",
                "UUID": "2b1a7e56-4c9a-5e2b-a0f3-3b1c4d5e6f70",
                "Vendor": "HPE" if b.flavor.startswith("ilo") else "Fujitsu",
                "Systems": {"@odata.id": "/redfish/v1/Systems/"},
                "JsonSchemas": {"@odata.id": "/redfish/v1/JsonSchemas/"},
                "Registries": {"@odata.id": "/redfish/v1/Registries/"},
                "Oem": self.root_oem(),
                **({} if b.flag("no-sessions") else {
                    "SessionService": {"@odata.id": "/redfish/v1/SessionService/"},
                    "Links": {"Sessions": {"@odata.id": "/redfish/v1/SessionService/Sessions/"}}})})
        if not self.authorized():
            return self.error(401, "Base.1.8.NoValidSession", "There is no valid session established")
        if path == "/redfish/v1/SessionService":
            return self.send_json(200, {"@odata.id": "/redfish/v1/SessionService/", "Id": "SessionService",
                                        "ServiceEnabled": True,
                                        "Sessions": {"@odata.id": "/redfish/v1/SessionService/Sessions/"}})
        if path.split("?")[0] in ("/redfish/v1/JsonSchemas", "/redfish/v1/Registries"):
            return self.send_json(200, self.collection(path.split("?")[0], []))
        if path.split("?")[0] == "/redfish/v1/ResourceDirectory":
            sysp = "/redfish/v1/Systems/%s/" % b.system_id
            return self.send_json(200, {"@odata.id": "/redfish/v1/ResourceDirectory/", "Instances": [
                {"@odata.id": "/redfish/v1/Systems/", "@odata.type": "#ComputerSystemCollection.ComputerSystemCollection"},
                {"@odata.id": sysp, "@odata.type": "#ComputerSystem.v1_10_0.ComputerSystem"}]})
        if path == "/redfish/v1/Systems":
            return self.send_json(200, {
                "@odata.id": "/redfish/v1/Systems/", "@odata.type": "#ComputerSystemCollection.ComputerSystemCollection",
                "Name": "Computer Systems", "Members@odata.count": 1,
                "Members": [{"@odata.id": "/redfish/v1/Systems/%s/" % b.system_id}]})
        if path == "/redfish/v1/Systems/%s" % b.system_id:
            return self.send_json(200, self.system())
        return self.error(404, "Base.1.8.ResourceMissingAtURI", "The resource at the URI %s was not found" % self.path)

    def do_POST(self):
        b = self.board
        body = self.read_body()
        path = self.path.rstrip("/")
        b.log("POST %s" % self.path)
        b.slow()
        if path == "/ribcl":
            session = RibclSession(b)
            answer, _ = session.feed_text(body.decode("utf-8", "replace"))
            data = answer.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/xml")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            return self.error(400, "Base.1.8.MalformedJSON", "The request body submitted was malformed JSON")
        if path == "/redfish/v1/SessionService/Sessions" and b.flag("no-sessions"):
            b.log("SESSION on a service without sessions")
            self.send_response(401)
            self.send_header("WWW-Authenticate", 'Basic realm="Redfish"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if path == "/redfish/v1/SessionService/Sessions":
            if not b.credentials_ok(req.get("UserName"), req.get("Password")):
                b.log("SESSION refused %s" % req.get("UserName"))
                return self.error(401, "Base.1.8.InsufficientPrivilege", "Invalid username or password")
            token = secrets.token_hex(16)
            sid = secrets.token_hex(4)
            b.sessions[token] = sid
            loc = "/redfish/v1/SessionService/Sessions/%s/" % sid
            # iLO and iRMC give the session's full URL
            host = self.headers.get("Host") or "%s:%d" % self.server.server_address[:2]
            if b.flag("session-204"):
                self.send_response(204)
                self.send_header("X-Auth-Token", token)
                self.send_header("Location", loc)
                self.end_headers()
                return
            return self.send_json(201, {"@odata.id": loc, "Id": sid, "UserName": req.get("UserName")},
                                  {"X-Auth-Token": token, "Location": "https://%s%s" % (host, loc)})
        if not self.authorized():
            return self.error(401, "Base.1.8.NoValidSession", "There is no valid session established")
        if path == "/redfish/v1/Systems/%s/Actions/ComputerSystem.Reset" % b.system_id:
            kind = req.get("ResetType")
            b.log("RESET %s" % kind)
            if b.flag("refuse-reset"):
                return self.send_json(400, {"error": {
                    "code": "Base.1.0.GeneralError",
                    "message": "Power operation not allowed: the system is in POST",
                    "@Message.ExtendedInfo": [{"MessageId": "Base.1.0.GeneralError"}]}})
            on = b.power() == "On"
            if kind not in self.system()["Actions"]["#ComputerSystem.Reset"]["ResetType@Redfish.AllowableValues"]:
                return self.error(400, "Base.1.8.ActionParameterValueNotInList",
                                  "The value %s for the parameter ResetType is not in the list of acceptable values" % kind)
            if kind == "On":
                if on:
                    return self.error(400, "iLO.2.14.InvalidOperationForSystemState",
                                      "The operation was not successful due to the current power state")
                b.power_on()
            elif kind in ("ForceOff", "GracefulShutdown", "PushPowerButton"):
                if not on and kind != "PushPowerButton":
                    return self.error(400, "iLO.2.14.InvalidOperationForSystemState",
                                      "The operation was not successful due to the current power state")
                if on:
                    b.force_off()
                else:
                    b.power_on()
            elif kind in ("ForceRestart", "GracefulRestart", "PowerCycle"):
                b.restart()
            return self.send_json(200, {"error": {"code": "iLO.0.10.ExtendedInfo",
                                                  "message": "See @Message.ExtendedInfo for more information.",
                                                  "@Message.ExtendedInfo": [{"MessageId": "Base.1.4.Success"}]}})
        return self.error(404, "Base.1.8.ResourceMissingAtURI", "The resource at the URI %s was not found" % self.path)

    def do_DELETE(self):
        b = self.board
        b.log("DELETE %s" % self.path)
        token = self.headers.get("X-Auth-Token")
        sid = self.path.rstrip("/").rsplit("/", 1)[-1]
        if token in b.sessions and b.sessions[token] == sid:
            del b.sessions[token]
            return self.send_empty(204)
        if not self.authorized():
            return self.error(401, "Base.1.8.NoValidSession", "There is no valid session established")
        for t, s in list(b.sessions.items()):
            if s == sid:
                del b.sessions[t]
                return self.send_empty(204)
        return self.error(404, "Base.1.8.ResourceMissingAtURI", "The resource at the URI %s was not found" % self.path)


class Server(socketserver.ThreadingMixIn, http.server.HTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, addr, board, context):
        self.board = board
        self.context = context
        super().__init__(addr, Handler)

    def get_request(self):
        sock, addr = self.socket.accept()
        return sock, addr

    def finish_request(self, request, client_address):
        # the TLS handshake on the connection's own thread: a client that
        # never completes it holds up no one else
        request.settimeout(30)
        # headers and body go out as separate TLS records: without this,
        # Nagle and delayed ACKs stall every keep-alive request by 40 ms
        request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            tls = self.context.wrap_socket(request, server_side=True)
        except (ssl.SSLError, OSError):
            return
        try:
            Handler(tls, client_address, self)
        except (OSError, ssl.SSLError):
            pass


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bind", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file", required=True)
    ap.add_argument("--cert", required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--state", required=True, help="directory with the simulated host's power file")
    ap.add_argument("--flavor", choices=["ilo", "ilo2", "irmc"], default="ilo")
    ap.add_argument("--user", default="admin")
    ap.add_argument("--password-file", required=True)
    ap.add_argument("--log")
    ap.add_argument("--lifetime", type=float, default=600)
    args = ap.parse_args()
    with open(args.password_file) as f:
        password = f.read().strip()
    os.makedirs(args.state, exist_ok=True)
    board = Board(args.state, args.flavor, args.user, password, args.log)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(args.cert, args.key)
    server = Server((args.bind, args.port), board, context)
    tmp = args.port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.replace(tmp, args.port_file)
    threading.Timer(args.lifetime, lambda: os._exit(0)).start()
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
