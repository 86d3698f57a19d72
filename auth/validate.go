package auth

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode"
)

var (
	// partitionRE matches an ARN partition: aws, aws-cn, aws-us-gov, aws-iso, ...
	partitionRE = regexp.MustCompile(`^aws(-[a-z]+)*$`)
	accountRE   = regexp.MustCompile(`^[0-9]{12}$`)
	// roleNameRE is IAM's RoleName constraint.
	roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)
	// sessionNameRE is STS's RoleSessionName constraint.
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	// accessKeyIDRE bounds access key IDs. AWS issues 20 upper-case letters
	// and digits starting with AKIA (long-term) or ASIA (temporary), and IAM
	// allows up to 128 word characters; shorter IDs and hyphens are accepted
	// too, for the placeholder keys of local endpoints ("polysync-local").
	// What it rejects is what no key has: whitespace, and the '/', '+' and
	// '=' of a secret access key given in the wrong argument.
	accessKeyIDRE = regexp.MustCompile(`^[\w-]{1,128}$`)
)

// Session duration limits of AssumeRole and AssumeRoleWithWebIdentity.
const (
	minDuration = 15 * time.Minute
	maxDuration = 12 * time.Hour
	// chainedMaxDuration caps a session obtained with credentials that are
	// themselves a role session (role chaining).
	chainedMaxDuration = time.Hour
)

// validateRoleARN checks that arn is an IAM role ARN,
// arn:<partition>:iam::<12-digit account>:role/<optional path/>name. The ARN
// is not a secret and is quoted in the error.
func validateRoleARN(arn string) error {
	const want = "want arn:<partition>:iam::<12-digit account>:role/<name>"
	bad := func(reason string) error {
		return fmt.Errorf("role ARN %q is not an IAM role ARN: %s (%s)", arn, reason, want)
	}
	if arn == "" {
		return fmt.Errorf("role ARN is empty (%s)", want)
	}
	if strings.TrimSpace(arn) != arn {
		return bad("it has leading or trailing whitespace")
	}
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) != 6 || parts[0] != "arn" {
		return bad("it does not have the six colon-separated ARN fields")
	}
	partition, service, region, account, resource := parts[1], parts[2], parts[3], parts[4], parts[5]
	if !partitionRE.MatchString(partition) {
		return bad(fmt.Sprintf("partition %q is not an AWS partition such as aws, aws-cn or aws-us-gov", partition))
	}
	if service == "sts" && strings.HasPrefix(resource, "assumed-role/") {
		suggest := "arn:<partition>:iam::<account>:role/<name>"
		if partitionRE.MatchString(partition) && accountRE.MatchString(account) {
			suggest = "arn:" + partition + ":iam::" + account + ":role/<name>"
		}
		return bad("it is an assumed-role session ARN; use the role's own ARN, " + suggest)
	}
	if service != "iam" {
		return bad(fmt.Sprintf("service is %q, not iam", service))
	}
	if region != "" {
		return bad(fmt.Sprintf("IAM ARNs have no region, got %q", region))
	}
	if !accountRE.MatchString(account) {
		return bad(fmt.Sprintf("account %q is not 12 digits", account))
	}
	path, ok := strings.CutPrefix(resource, "role/")
	if !ok {
		kind, _, _ := strings.Cut(resource, "/")
		return bad(fmt.Sprintf("resource type is %q, not role", kind))
	}
	segments := strings.Split(path, "/")
	name := segments[len(segments)-1]
	if !roleNameRE.MatchString(name) {
		return bad(fmt.Sprintf("role name %q must be 1-64 letters, digits or +=,.@_- characters", name))
	}
	for _, seg := range segments[:len(segments)-1] {
		if seg == "" {
			return bad("role path has an empty segment")
		}
		for _, r := range seg {
			if r < '!' || r > '~' {
				return bad(fmt.Sprintf("role path segment %q has a character outside printable ASCII", seg))
			}
		}
	}
	if len(path) > 512+64 {
		return bad("role path is longer than 512 characters")
	}
	return nil
}

// validateSessionName checks STS's RoleSessionName constraint.
func validateSessionName(name string) error {
	if !sessionNameRE.MatchString(name) {
		return fmt.Errorf("session name %q must be 2-64 letters, digits or +=,.@_- characters", name)
	}
	return nil
}

// validateDuration checks a requested session duration against STS's limits;
// zero means the source's default.
func validateDuration(d time.Duration, chained bool) error {
	if d == 0 {
		return nil
	}
	if d < minDuration || d > maxDuration {
		return fmt.Errorf("session duration %v is outside STS's range of %v to %v", d, minDuration, maxDuration)
	}
	if d%time.Second != 0 {
		return fmt.Errorf("session duration %v is not a whole number of seconds", d)
	}
	if chained && d > chainedMaxDuration {
		return fmt.Errorf("session duration %v exceeds the %v that STS allows when the base credentials are themselves a role session (role chaining)", d, chainedMaxDuration)
	}
	return nil
}

// validateEndpoint checks an STS base endpoint URL.
func validateEndpoint(endpoint string) error {
	// The endpoint is quoted only once it is known to hold no user
	// information, which could be a password.
	u, err := url.Parse(endpoint)
	if err != nil {
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return fmt.Errorf("STS endpoint is not a URL: %w", err)
	}
	if u.User != nil {
		return fmt.Errorf("STS endpoint for host %q must not carry user information", u.Host)
	}
	if (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("STS endpoint %q must be an absolute http or https URL such as https://sts.eu-west-1.amazonaws.com", endpoint)
	}
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		return fmt.Errorf("STS endpoint %q is plain http to a host that is not loopback: the identity token or signed "+
			"request and the issued credentials would cross the network unencrypted; use https, or for an emulator "+
			"on another host set AWS_ENDPOINT_URL_STS in the environment (or sts.Options.BaseEndpoint with "+
			"WithSTSOptions), which are used as given", endpoint)
	}
	return nil
}

// loopbackHost reports whether host, a URL's Hostname, is localhost or a
// loopback IP address, where plain http stays on this machine.
func loopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// validateRegion checks that region can select a regional STS endpoint.
func validateRegion(region string) error {
	switch {
	case region == "":
		return fmt.Errorf("region is empty: STS is called at its regional endpoint, so base aws.Config needs a Region")
	case region == "aws-global":
		return fmt.Errorf("region %q selects the global STS endpoint; set the region the caller runs in", region)
	case strings.TrimSpace(region) != region || strings.ContainsFunc(region, unicode.IsSpace):
		return fmt.Errorf("region %q contains whitespace", region)
	}
	return nil
}

// validateAccessKeys checks static keys without ever quoting them: a secret
// pasted into the wrong argument must not end up in a log.
func validateAccessKeys(accessKeyID, secretAccessKey, sessionToken string) error {
	switch {
	case accessKeyID == "":
		return fmt.Errorf("access key ID is empty")
	case !accessKeyIDRE.MatchString(accessKeyID):
		hint := ""
		if strings.ContainsAny(accessKeyID, "/+=") {
			hint = "; were the access key ID and the secret access key swapped?"
		}
		// Not even the masked form: this may be a secret in the wrong argument.
		return fmt.Errorf("access key ID (%d characters) must be at most 128 letters, digits, underscores or hyphens%s",
			len(accessKeyID), hint)
	case secretAccessKey == "":
		return fmt.Errorf("secret access key for %s is empty", maskKeyID(accessKeyID))
	case strings.TrimSpace(secretAccessKey) != secretAccessKey:
		return fmt.Errorf("secret access key for %s has leading or trailing whitespace", maskKeyID(accessKeyID))
	case strings.TrimSpace(sessionToken) != sessionToken:
		return fmt.Errorf("session token for %s has leading or trailing whitespace", maskKeyID(accessKeyID))
	}
	return nil
}
