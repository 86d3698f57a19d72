// Package auth provides the AWS credential sources of the Step Functions
// provider: fixed keys, the SDK's default chain, web identity federation (for
// example with Microsoft Entra ID tokens) and assume-role chains.
//
// A [Source] turns into an aws.CredentialsProvider with
// [Source.Credentials], given the aws.Config (region, HTTP client, retryer,
// logger) that the caller's AWS clients use:
//
//   - [Static] for access keys;
//   - [Default] for the SDK's chain: environment, shared config and
//     credentials files, web identity from AWS_ROLE_ARN and
//     AWS_WEB_IDENTITY_TOKEN_FILE, container credentials, instance profile;
//   - [WebIdentity] exchanges an OIDC token from a [TokenSource] ([TokenFile],
//     [TokenFileFromEnv] or a [TokenFunc]) for a role's credentials with STS
//     AssumeRoleWithWebIdentity; [WebIdentityFromEnv] reads its set-up from
//     the environment;
//   - [AssumeRole] assumes a role with the credentials of any other source,
//     optionally with an external ID; chains may be of any depth.
//
// # Caching and refresh
//
// Every provider is wrapped exactly once in aws.CredentialsCache: concurrent
// callers share one STS call, and credentials are refreshed 4 to 5 minutes
// before they expire (the window is jittered so that a fleet does not refresh
// at once); [Default] included. The expiry of a role session is at most its
// duration after the STS request was sent, on this host's clock, so a clock
// behind STS's does not keep expired credentials in use. Each link of an
// AssumeRole chain is cached on its own. If a refresh fails while the current
// credentials are still valid for more than a minute, they keep serving, the
// refresh is tried again at most every 30 seconds, and a warning goes to
// base's Logger; so an STS or identity provider hiccup does not fail calls
// that the current credentials can still sign. STS is always called at its
// regional endpoint, https://sts.<region>.amazonaws.com, through the caller's
// HTTP client and retryer, unless [WithSTSEndpoint] names another (an
// interface VPC endpoint, a test server; plain http only to a loopback host).
//
// # Stalled and failing requests
//
// The cache refreshes under a context that is never cancelled, and every
// caller waits on the one refresh in flight (each only until its own context
// ends). So each HTTP request a source makes is bounded, from sending it to
// reading its answer: by [DefaultRequestTimeout] (30 seconds), or by the
// bound the stepfunctions provider puts on base's HTTP client
// (Config.CredentialTimeout). A request that runs out of time is retried by
// the STS client's retryer like a failed connection, so a stalled request
// delays a refresh rather than blocking it for good.
//
// Such a delay can add up to minutes (8 attempts of 30 seconds at the
// provider's defaults). While the current credentials are still valid for
// more than a minute, callers therefore wait for a refresh at most 2
// seconds; then they are served the current credentials as after a failed
// refresh, while the refresh goes on in the background and the next one
// takes its result (or waits for it again) rather than start another.
//
// A refresh that still fails is not retried again by the client that needed
// the credentials: its error reports RetryableError() false, which the SDK's
// retryers check before anything else. The STS client has made up to its
// retryer's MaxAttempts requests already; retrying the refresh as well would
// multiply them (64 STS requests for one call at 8 attempts). The error is
// otherwise unchanged: errors.Is and errors.As see through the mark.
//
// # Secrets
//
// No secret access key, session token, identity token or external ID appears
// in a Source's String, GoString, any fmt verb, its slog.LogValuer form, in
// an error of this package, or in the SDK's logs of its credential requests:
// of base's ClientLogMode they keep LogRetries and LogDeprecatedUsage only,
// since request and response dumps and signing details would show the token,
// the issued keys or the base session's token. Identity-token errors quote
// the token's public claims (iss, aud, sub, oid, tid, exp), never the token.
// The providers that Credentials returns are the SDK's aws.CredentialsCache:
// do not format them, as it holds the current keys.
//
// # Microsoft Entra ID federation
//
// A workload with an Entra ID identity (an AKS pod with Azure Workload
// Identity, a VM's managed identity, an app registration) can call Step
// Functions without any AWS key.
//
// First, in Entra ID, the application (or user-assigned managed identity)
// that the workload runs as obtains tokens for an audience that AWS will
// accept: an application ID URI such as api://polysync-aws, or
// sts.amazonaws.com. Prefer v2.0 tokens (accessTokenAcceptedVersion 2 in the
// app manifest): their issuer is https://login.microsoftonline.com/<tenant-id>/v2.0.
//
// Second, in IAM, create an OpenID Connect identity provider whose URL is
// that issuer and whose audience (client ID) is the tokens' aud.
//
// Third, create the role the provider assumes, with the Step Functions
// permissions it needs and this trust policy, where sub is the Entra service
// principal's object ID (the token's sub, which equals its oid for
// application and managed identity tokens):
//
//	{
//	  "Version": "2012-10-17",
//	  "Statement": [{
//	    "Effect": "Allow",
//	    "Principal": {"Federated": "arn:aws:iam::123456789012:oidc-provider/login.microsoftonline.com/<tenant-id>/v2.0"},
//	    "Action": "sts:AssumeRoleWithWebIdentity",
//	    "Condition": {"StringEquals": {
//	      "login.microsoftonline.com/<tenant-id>/v2.0:aud": "api://polysync-aws",
//	      "login.microsoftonline.com/<tenant-id>/v2.0:sub": "<service principal object id>"
//	    }}
//	  }]
//	}
//
// Last, give the provider the role and a [TokenSource] for Entra ID tokens.
// A host that mints them passes a [TokenFunc], for example one returning the
// Token of azidentity's WorkloadIdentityCredential or
// ManagedIdentityCredential GetToken with scope "api://polysync-aws/.default";
// a sidecar that writes them to a file passes [TokenFile], which re-reads the
// file at every refresh:
//
//	p, err := stepfunctions.New(ctx, stepfunctions.Config{
//		Region: "eu-west-1",
//		Credentials: auth.WebIdentity(
//			"arn:aws:iam::123456789012:role/polysync-stepfunctions",
//			auth.TokenFunc(entraToken), // func(ctx) (string, error)
//			auth.WithSessionName("polysync"),
//		),
//	})
//
// The file that Azure Workload Identity names in AZURE_FEDERATED_TOKEN_FILE
// holds the pod's Kubernetes service account token, not an Entra ID token: its
// issuer is the AKS cluster's OIDC issuer URL and its audience
// api://AzureADTokenExchange. AWS can trust that issuer directly (register it
// as the IAM OIDC provider, with that audience, and condition the trust policy
// on system:serviceaccount:<namespace>:<name> as sub); then
// auth.TokenFile(os.Getenv("AZURE_FEDERATED_TOKEN_FILE")), or
// [WebIdentityFromEnv] with AWS_ROLE_ARN, is all the provider needs. To reach
// a role in another account, chain: auth.AssumeRole(targetRoleARN,
// webIdentitySource, auth.WithExternalID(id)).
//
// When STS refuses the token, the error matches [ErrInvalidIdentityToken]
// (the STS error stays reachable with errors.As(err, &smithy.APIError)) and
// spells out the issuer, audience and trust-policy conditions that this
// particular token needs.
package auth
