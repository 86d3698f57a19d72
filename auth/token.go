package auth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// TokenSource supplies the OIDC identity token (a JWT) that WebIdentity
// exchanges for AWS credentials. Token is called on every credential refresh,
// so an implementation must return a token that is valid now, re-reading or
// re-minting it as needed. Implementations must be safe for concurrent use and
// must not include the token in errors.
type TokenSource interface {
	// Token returns the current identity token.
	Token(ctx context.Context) (string, error)
}

// TokenFunc adapts a function to TokenSource, for a host that mints tokens
// itself (for example with the Azure SDK's azidentity package).
type TokenFunc func(ctx context.Context) (string, error)

// Token implements TokenSource by calling f.
func (f TokenFunc) Token(ctx context.Context) (string, error) { return f(ctx) }

// Environment variables naming a projected identity token file.
const (
	// EnvAzureFederatedTokenFile is set by Azure Workload Identity (AKS) to
	// the file holding the pod's projected service account token (issuer:
	// the cluster's OIDC issuer URL, audience: api://AzureADTokenExchange),
	// which the kubelet rotates before it expires.
	EnvAzureFederatedTokenFile = "AZURE_FEDERATED_TOKEN_FILE"
	// EnvAWSWebIdentityTokenFile is the AWS SDKs' variable for the same kind
	// of file (set by EKS IAM Roles for Service Accounts).
	EnvAWSWebIdentityTokenFile = "AWS_WEB_IDENTITY_TOKEN_FILE"
	// EnvAWSRoleARN is the AWS SDKs' variable for the role to assume with the
	// token file's token.
	EnvAWSRoleARN = "AWS_ROLE_ARN"
	// EnvAWSRoleSessionName is the AWS SDKs' variable for the session name.
	EnvAWSRoleSessionName = "AWS_ROLE_SESSION_NAME"
)

// maxWebIdentityTokenLength is the most characters STS accepts in
// AssumeRoleWithWebIdentity's WebIdentityToken (clientTokenType in the STS
// API model: 4 to 20,000 characters).
const maxWebIdentityTokenLength = 20000

// maxTokenSize bounds what TokenFile reads: a file much larger than
// maxWebIdentityTokenLength is certainly not a token.
const maxTokenSize = 64 << 10

// TokenFile returns a TokenSource that reads the token from the file at path
// on every call, so that a token rotated by its writer (the Azure Workload
// Identity webhook or the kubelet refresh projected tokens about hourly) is
// picked up at the next credential refresh. Leading and trailing whitespace,
// such as a final newline, is trimmed. A missing, unreadable or empty file is
// an error naming the path; the token itself never appears in errors.
func TokenFile(path string) TokenSource { return tokenFile(path) }

type tokenFile string

// Token implements TokenSource.
func (p tokenFile) Token(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	path := string(p)
	if path == "" {
		return "", errors.New("token file path is empty")
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("token file %q does not exist: %w", path, err)
	}
	if err != nil {
		return "", fmt.Errorf("open token file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxTokenSize+1))
	if err != nil {
		return "", fmt.Errorf("read token file: %w", err)
	}
	if len(b) > maxTokenSize {
		return "", fmt.Errorf("token file %q is larger than %d bytes, too large for an identity token", path, maxTokenSize)
	}
	token := strings.TrimSpace(string(b))
	if token == "" {
		return "", fmt.Errorf("token file %q is empty", path)
	}
	return token, nil
}

// String describes the source by its path: "file:/var/run/secrets/...".
func (p tokenFile) String() string { return "file:" + string(p) }

// TokenFileFromEnv returns the TokenFile named by the environment:
// AZURE_FEDERATED_TOKEN_FILE (Azure Workload Identity) if set, else
// AWS_WEB_IDENTITY_TOKEN_FILE. The Azure variable wins because this package
// targets Azure-hosted workloads, where AWS_WEB_IDENTITY_TOKEN_FILE, if set
// at all, is more likely left over for another tool. It is an error if
// neither is set.
func TokenFileFromEnv() (TokenSource, error) {
	for _, name := range []string{EnvAzureFederatedTokenFile, EnvAWSWebIdentityTokenFile} {
		if path := strings.TrimSpace(os.Getenv(name)); path != "" {
			return TokenFile(path), nil
		}
	}
	return nil, fmt.Errorf("auth: no identity token file: set %s or %s", EnvAzureFederatedTokenFile, EnvAWSWebIdentityTokenFile)
}

// describeToken names a token source for String without calling it.
func describeToken(ts TokenSource) string {
	switch t := ts.(type) {
	case nil:
		return "none"
	case tokenFile:
		return t.String()
	case TokenFunc:
		return "func"
	default:
		// Not the source's own String: a user type might print its token.
		return fmt.Sprintf("%T", ts)
	}
}
