package sfnlocal

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"
)

const (
	defaultPageSize = 100
	maxPageSize     = 1000
	tokenLifetime   = 24 * time.Hour
)

// pageSize validates a maxResults member (0-1000, 0 or absent meaning 100).
func pageSize(maxResults *int32) (int, error) {
	if maxResults == nil || *maxResults == 0 {
		return defaultPageSize, nil
	}
	n := *maxResults
	if n < 0 {
		return 0, validationf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 0", n)
	}
	if n > maxPageSize {
		return 0, validationf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to %d", n, maxPageSize)
	}
	return int(n), nil
}

// pageInput is the paging part of a List request: embed it in the request
// struct, whose validate method it then is (handle calls it) unless the
// request has its own, which must call it.
type pageInput struct {
	MaxResults *int32  `json:"maxResults"`
	NextToken  *string `json:"nextToken" sfn:"min=1"`
	limit      int     // the page size, set by validate
}

// validate validates MaxResults and sets the page size.
func (p *pageInput) validate() error {
	n, err := pageSize(p.MaxResults)
	p.limit = n
	return err
}

// listOutput is the answer of a List operation: a page of items in their
// wire form under the operation's member name, and the nextToken of the page
// after it.
type listOutput[W any] struct {
	member string // for example "stateMachines"
	items  []W    // never nil, so that an empty page encodes as []
	next   string
}

// MarshalJSON encodes {"<member>": [items...], "nextToken": next}, without
// nextToken on the last page.
func (o *listOutput[W]) MarshalJSON() ([]byte, error) {
	member, err := json.Marshal(o.member)
	if err != nil {
		return nil, err
	}
	items, err := json.Marshal(o.items)
	if err != nil {
		return nil, err
	}
	b := append(append([]byte{'{'}, member...), ':')
	b = append(b, items...)
	if o.next != "" {
		next, err := json.Marshal(o.next)
		if err != nil {
			return nil, err
		}
		b = append(append(b, `,"nextToken":`...), next...)
	}
	return append(b, '}'), nil
}

// listPage answers the page of items that p asks for (see paginate) as the
// list member named member, each item in its wire form, with the nextToken
// of the page after it.
func listPage[T, W any](s *Server, member, scope string, items []T, key func(T) string, desc bool, p pageInput, wire func(T) W) (*listOutput[W], error) {
	page, next, err := paginate(s, scope, items, key, desc, p.limit, orEmpty(p.NextToken))
	if err != nil {
		return nil, err
	}
	out := &listOutput[W]{member: member, items: make([]W, len(page)), next: next}
	for i, item := range page {
		out.items[i] = wire(item)
	}
	return out, nil
}

// pageToken is the content of a nextToken: the listing it continues (scope),
// the sort key of the last item returned and when it was issued.
type pageToken struct {
	Scope  string `json:"s"`
	Key    string `json:"k"`
	Issued int64  `json:"t"`
}

// makeToken returns an opaque, tamper-evident token continuing scope after
// the item with sort key key.
func (s *Server) makeToken(scope, key string) string {
	b, _ := json.Marshal(pageToken{Scope: scope, Key: key, Issued: s.cfg.clock.Now().Unix()})
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(s.sign(payload))
}

// sign returns a page token's signature: the MAC of its payload.
func (s *Server) sign(payload string) []byte { return mac(s.key, []byte(payload)) }

// readToken checks a nextToken for scope and returns its sort key; ok is
// false when token is empty. A token that was not issued by this server for
// this listing, or is older than 24 hours, is InvalidToken.
func (s *Server) readToken(scope, token string) (key string, ok bool, err error) {
	if token == "" {
		return "", false, nil
	}
	if limit := maxTokenLength(scope); len(token) > limit {
		return "", false, tooLong("nextToken", limit)
	}
	bad := errf("InvalidToken", "Invalid Token: '%s'", token)
	payload, sig, found := strings.Cut(token, ".")
	if !found {
		return "", false, bad
	}
	want, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(want, s.sign(payload)) {
		return "", false, bad
	}
	raw, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return "", false, bad
	}
	var t pageToken
	if err := json.Unmarshal(raw, &t); err != nil || t.Scope != scope {
		return "", false, bad
	}
	if s.cfg.clock.Now().Sub(time.Unix(t.Issued, 0)) > tokenLifetime {
		return "", false, errf("InvalidToken", "Invalid Token: 'token has expired'")
	}
	return t.Key, true, nil
}

// maxTokenLength is the longest nextToken the listing scope takes: the API
// model's PageToken, 1,024 characters, but for ListExecutions, whose
// ListExecutionsPageToken may have 3,096.
func maxTokenLength(scope string) int {
	if strings.HasPrefix(scope, "ListExecutions:") {
		return 3096
	}
	return 1024
}

// seqKey is the sort key of a sequence number: zero-padded, so that keys
// order as the numbers do.
func seqKey(n int64) string { return fmt.Sprintf("%020d", n) }

// paginate returns the page of items (sorted by key, ascending or
// descending; keys unique) that follows the item whose key the token holds,
// at most limit long, and the token of the next page ("" for the last page).
func paginate[T any](s *Server, scope string, items []T, key func(T) string, desc bool, limit int, token string) ([]T, string, error) {
	after, hasAfter, err := s.readToken(scope, token)
	if err != nil {
		return nil, "", err
	}
	start := 0
	if hasAfter {
		start = sort.Search(len(items), func(i int) bool {
			if desc {
				return key(items[i]) < after
			}
			return key(items[i]) > after
		})
	}
	end := min(start+limit, len(items))
	page := items[start:end]
	next := ""
	if end < len(items) && len(page) > 0 {
		next = s.makeToken(scope, key(page[len(page)-1]))
	}
	return page, next, nil
}
