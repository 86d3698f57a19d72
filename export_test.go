package stepfunctions

// FixRateLimits turns off the adaptation of p's rate limiters, for measurements that compare with the fixed
// limits of earlier versions.
func FixRateLimits(p *Provider) {
	for _, l := range p.limiters {
		l.Fix()
	}
}

// APIErrorCode is apiErrorCode, the smithy API error code in err's chain or "", for the external tests.
var APIErrorCode = apiErrorCode

// RateLimiterStats returns the counters of p's client-side rate limiter of key (an API name, or
// ExpressStartRateLimit), for the external tests.
func RateLimiterStats(p *Provider, key string) (throttles int, rate float64) {
	s := p.limiters[key].Stats()
	return s.Throttles, s.Rate
}
