package auth

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/smithy-go"
)

// ErrInvalidIdentityToken reports that STS refused the identity token given to
// AssumeRoleWithWebIdentity: codes InvalidIdentityToken, IDPRejectedClaim and
// ExpiredTokenException. Errors matching it with errors.Is also keep the STS
// error reachable with errors.As(err, &smithy.APIError), and their message
// carries the remediation: the IAM OIDC provider's issuer and audience and the
// role trust policy's conditions. It matches through AssumeRole chains and
// through the SDK's wrapping of credential errors in a service call.
var ErrInvalidIdentityToken = errors.New("identity token rejected by STS")

// STS error codes this package gives remediation for.
const (
	codeInvalidIdentityToken  = "InvalidIdentityToken"
	codeIDPRejectedClaim      = "IDPRejectedClaim"
	codeExpiredToken          = "ExpiredTokenException"
	codeIDPCommunicationError = "IDPCommunicationError"
	codeAccessDenied          = "AccessDenied"
	codeRegionDisabled        = "RegionDisabledException"
)

// regionDisabledHint is the remediation for RegionDisabledException.
const regionDisabledHint = "Activate STS in this region (IAM console, Account settings) or use another region"

// entraChecklist is the set-up that an Entra ID token must match.
const entraChecklist = "check that (1) an IAM OIDC identity provider exists whose URL is exactly the token's issuer " +
	"(for Microsoft Entra ID v2.0 tokens https://login.microsoftonline.com/<tenant-id>/v2.0); " +
	"(2) that provider's audiences (client ID list) include the token's aud, " +
	"sts.amazonaws.com or the Entra application ID URI the token was requested for (api://<app-id>); " +
	"(3) the role's trust policy allows sts:AssumeRoleWithWebIdentity for Federated principal " +
	"arn:aws:iam::<account>:oidc-provider/login.microsoftonline.com/<tenant-id>/v2.0 with conditions " +
	"on login.microsoftonline.com/<tenant-id>/v2.0:aud and :sub that match the token " +
	"(for an Entra application or managed identity token sub is the service principal's object ID, the token's oid)"

// webIdentityError wraps an error of AssumeRoleWithWebIdentity with what the
// operator needs to fix it. token is used only to describe its public claims.
func webIdentityError(src, roleARN string, err error, token string) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return sourceErrorf(src, "%w", err)
	}
	claims := describeClaims(token, roleARN)
	switch ae.ErrorCode() {
	case codeInvalidIdentityToken:
		return sourceErrorf(src, "%w: %w. STS could not validate the token: %s. %s",
			ErrInvalidIdentityToken, err, entraChecklist, claims)
	case codeIDPRejectedClaim:
		return sourceErrorf(src, "%w: %w. A claim of the token was rejected: %s. %s",
			ErrInvalidIdentityToken, err, entraChecklist, claims)
	case codeExpiredToken:
		return sourceErrorf(src, "%w: %w. The token has expired: its writer must rotate it "+
			"(Azure Workload Identity rewrites AZURE_FEDERATED_TOKEN_FILE before expiry) and this host's clock must be "+
			"right (IAM tolerates 5 minutes of skew); otherwise %s. %s",
			ErrInvalidIdentityToken, err, entraChecklist, claims)
	case codeIDPCommunicationError:
		return sourceErrorf(src, "%w. STS could not reach the identity provider's OpenID configuration "+
			"(<issuer>/.well-known/openid-configuration and its JWKS); this is usually transient and was retried. %s", err, claims)
	case codeAccessDenied:
		return sourceErrorf(src, "%w. The role's trust policy does not allow this token: it must allow "+
			"sts:AssumeRoleWithWebIdentity for the IAM OIDC provider of the token's issuer, and its conditions "+
			"on <issuer>:aud and <issuer>:sub must match the token. %s", err, claims)
	case codeRegionDisabled:
		return sourceErrorf(src, "%w. "+regionDisabledHint, err)
	}
	return sourceErrorf(src, "%w", err)
}

// assumeRoleError wraps an error of AssumeRole with what the operator needs
// to fix it.
func assumeRoleError(src, base string, err error, externalID bool) error {
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		return sourceErrorf(src, "%w", err)
	}
	switch ae.ErrorCode() {
	case codeAccessDenied:
		ext := ""
		if externalID {
			ext = ", with an sts:ExternalId condition equal to the configured external ID"
		}
		return sourceErrorf(src, "%w. The base credentials (%s) need sts:AssumeRole on the role in their "+
			"identity policy, and the role's trust policy must trust their principal%s", err, base, ext)
	case codeRegionDisabled:
		return sourceErrorf(src, "%w. "+regionDisabledHint, err)
	}
	return sourceErrorf(src, "%w", err)
}

// tokenClaims are the public claims of an identity token that help set up
// the IAM OIDC provider and trust policy. They identify, they do not
// authenticate: the token's signature is what must stay secret.
type tokenClaims struct {
	Issuer    string          `json:"iss"`
	Audience  json.RawMessage `json:"aud"`
	Subject   string          `json:"sub"`
	ObjectID  string          `json:"oid"`
	TenantID  string          `json:"tid"`
	Version   string          `json:"ver"`
	ExpiresAt json.Number     `json:"exp"`
}

// parseClaims decodes a JWT's payload without verifying it.
func parseClaims(token string) (tokenClaims, error) {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return tokenClaims{}, fmt.Errorf("the token is not a JWT (%d dot-separated parts, want 3)", len(parts))
	}
	payload, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(parts[1], "="))
	if err != nil {
		return tokenClaims{}, errors.New("the token's payload is not base64url")
	}
	var c tokenClaims
	if err := json.Unmarshal(payload, &c); err != nil {
		return tokenClaims{}, errors.New("the token's payload is not a JSON object of claims")
	}
	return c, nil
}

// describeClaims summarises a token's public claims for an error message,
// or says why it cannot. It never returns any part of the token itself
// verbatim beyond these claim values.
func describeClaims(token, roleARN string) string {
	return describeClaimsAt(token, roleARN, time.Now())
}

// describeClaimsAt is describeClaims at time now.
func describeClaimsAt(token, roleARN string, now time.Time) string {
	c, err := parseClaims(token)
	if err != nil {
		return "Token: " + err.Error() + "."
	}
	var b strings.Builder
	b.WriteString("Token claims:")
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(&b, " %s=%q", name, clip(value))
		}
	}
	field("iss", c.Issuer)
	aud := audience(c.Audience)
	field("aud", aud)
	field("sub", c.Subject)
	field("oid", c.ObjectID)
	field("tid", c.TenantID)
	if exp, err := c.ExpiresAt.Int64(); err == nil && exp > 0 {
		t := time.Unix(exp, 0).UTC()
		fmt.Fprintf(&b, " exp=%s", t.Format(time.RFC3339))
		if ago := now.Sub(t); ago > 0 {
			fmt.Fprintf(&b, " (expired %s ago)", ago.Round(time.Second))
		}
	}
	b.WriteString(".")
	if host, ok := strings.CutPrefix(c.Issuer, "https://"); ok && aud != "" && c.Subject != "" {
		partition, account := "aws", "<account>"
		if parts := strings.Split(roleARN, ":"); len(parts) == 6 {
			partition, account = parts[1], parts[4]
		}
		host = strings.TrimSuffix(host, "/")
		fmt.Fprintf(&b, " For this token: an IAM OIDC provider with URL %q and audience %q; a trust policy with "+
			"Federated principal %q and conditions %q and %q.",
			clip(c.Issuer), clip(aud),
			clip("arn:"+partition+":iam::"+account+":oidc-provider/"+host),
			clip(host+":aud = "+aud), clip(host+":sub = "+c.Subject))
	}
	if aud == "api://AzureADTokenExchange" && !strings.HasPrefix(c.Issuer, "https://login.microsoftonline.com/") {
		b.WriteString(" This is an Azure Workload Identity service account token (AZURE_FEDERATED_TOKEN_FILE), " +
			"not an Entra ID token: register its issuer, the AKS cluster's OIDC issuer URL, as the IAM OIDC provider " +
			"with audience api://AzureADTokenExchange, or exchange it for an Entra ID token first and pass that with a TokenFunc.")
	}
	if c.Version == "1.0" || strings.HasPrefix(c.Issuer, "https://sts.windows.net/") {
		b.WriteString(" This is an Entra ID v1.0 token, whose issuer is https://sts.windows.net/<tenant-id>/: " +
			"either register that exact URL as the IAM OIDC provider, or set accessTokenAcceptedVersion to 2 " +
			"in the Entra application's manifest to get v2.0 tokens.")
	}
	return b.String()
}

// audience renders the aud claim, a string or an array of strings.
func audience(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var list []string
	if json.Unmarshal(raw, &list) == nil {
		return strings.Join(list, ",")
	}
	return ""
}

// clip bounds a claim value's length in an error message.
func clip(s string) string {
	const max = 200
	if len(s) > max {
		return s[:max] + "..."
	}
	return s
}
