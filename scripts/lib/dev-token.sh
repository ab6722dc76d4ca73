# Tokens from an MCP server's OAuth authorization server with curl, for scripts (sourced).
# Needs curl and python3. Public client, authorization code + PKCE S256 + RFC 8707 resource;
# the AS must log the user in without a page (mcp-auth's development server does, by
# `login_hint`).
#
#   dev_register AS REDIRECT            prints a client_id (RFC 7591 dynamic registration)
#   dev_token AS CLIENT REDIRECT RESOURCE USER SCOPE    prints an access token

# Reads JSON on stdin and prints the value of a Python expression over it, `d`.
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

dev_register() {
    curl -sf "$1/register" -H 'content-type: application/json' \
        -d "{\"client_name\":\"mcp-rs scripts\",\"redirect_uris\":[\"$2\"],\"token_endpoint_auth_method\":\"none\"}" |
        json 'd["client_id"]'
}

dev_token() {
    local as=$1 client=$2 redirect=$3 resource=$4 user=$5 scope=$6 verifier challenge location code
    verifier=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
    challenge=$(python3 -c 'import base64,hashlib,sys; print(base64.urlsafe_b64encode(hashlib.sha256(sys.argv[1].encode()).digest()).rstrip(b"=").decode())' "$verifier")
    location=$(curl -s -o /dev/null -w '%{redirect_url}' -G "$as/authorize" \
        --data-urlencode response_type=code --data-urlencode "client_id=$client" \
        --data-urlencode "redirect_uri=$redirect" --data-urlencode "scope=$scope" \
        --data-urlencode "resource=$resource" --data-urlencode state=scripted \
        --data-urlencode "code_challenge=$challenge" --data-urlencode code_challenge_method=S256 \
        --data-urlencode "login_hint=$user")
    # The redirect must carry our state back, and a code.
    code=$(python3 -c 'import sys,urllib.parse as u; q=u.parse_qs(u.urlsplit(sys.argv[1]).query); assert q["state"]==["scripted"], q; print(q["code"][0])' "$location")
    curl -sf "$as/token" --data-urlencode grant_type=authorization_code \
        --data-urlencode "code=$code" --data-urlencode "redirect_uri=$redirect" \
        --data-urlencode "client_id=$client" --data-urlencode "code_verifier=$verifier" \
        --data-urlencode "resource=$resource" | json 'd["access_token"]'
}
