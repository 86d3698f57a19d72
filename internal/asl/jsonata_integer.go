package asl

// JSONata's $formatInteger and $parseInteger, which the library lacks:
// XPath's format-integer pictures as JSONata 2 takes them. A picture is a
// primary format, then optionally ";" and a modifier, "o" asking for an
// ordinal ("1st", "first"):
//   - decimal digits of one Unicode digit family, "#" for an optional digit
//     and any other character as a grouping separator ("#,##0", "000",
//     "0;o"); separators at equal intervals repeat across the whole number;
//   - "I" or "i": roman numerals; "A" or "a": letters (a..z, aa, ab, ...);
//   - "w", "W" or "Ww": English words, in lower, upper or title case.

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxDecimalInteger is the first magnitude $formatInteger does not write
// in digits: JSONata's reference implementation writes 1e21 as "1e+21"
// and pads and groups that; here it is an error. Roman numerals, one "m"
// a thousand, are bounded by their length (maxPadWidth; that
// implementation recurses once a numeral and sets no bound of its own);
// words and letters, whose length grows with the number's logarithm, are
// not bounded.
const maxDecimalInteger = 1e21

// integerFormat is an analysed $formatInteger picture.
type integerFormat int

const (
	formatDecimal integerFormat = iota
	formatLetters
	formatRoman
	formatWords
)

// integerPicture is a picture string, analysed.
type integerPicture struct {
	format  integerFormat
	upper   bool // A, I, W
	title   bool // Ww
	ordinal bool // the modifier starts with "o"
	// decimal pictures
	zero      rune // the zero of the picture's digit family
	mandatory int  // how many digits are always written
	every     int  // when the separators are regular: their interval
	seps      []groupSep
}

// groupSep is a grouping separator, its position counted in digits from
// the right.
type groupSep struct {
	pos int
	sep rune
}

// parseIntegerPicture analyses picture.
func parseIntegerPicture(picture string) (*integerPicture, error) {
	p := &integerPicture{}
	primary := picture
	if i := strings.LastIndexByte(picture, ';'); i >= 0 {
		primary = picture[:i]
		p.ordinal = strings.HasPrefix(picture[i+1:], "o")
	}
	switch primary {
	case "A", "a":
		p.format, p.upper = formatLetters, primary == "A"
		return p, nil
	case "I", "i":
		p.format, p.upper = formatRoman, primary == "I"
		return p, nil
	case "W", "w", "Ww":
		p.format, p.upper, p.title = formatWords, primary == "W", primary == "Ww"
		return p, nil
	}
	p.format = formatDecimal
	digits := 0 // digits and "#" seen, from the right
	runes := []rune(primary)
	for i := len(runes) - 1; i >= 0; i-- {
		r := runes[i]
		switch zero, ok := digitZero(r); {
		case ok:
			if p.mandatory > 0 && zero != p.zero {
				return nil, fmt.Errorf("the picture '%s' mixes digits of different families (%c and %c)", clipProblem(picture), p.zero, r)
			}
			p.zero = zero
			p.mandatory++
			digits++
		case r == '#':
			digits++
		default:
			p.seps = append(p.seps, groupSep{pos: digits, sep: r})
		}
	}
	if p.mandatory == 0 {
		return nil, fmt.Errorf("the picture '%s' is not supported: use digits such as '0' or '#,##0', or one of A, a, I, i, W, w, Ww", clipProblem(picture))
	}
	p.every = regularInterval(p.seps)
	return p, nil
}

// digitZero returns the zero of r's family of decimal digits, when r is one.
func digitZero(r rune) (rune, bool) {
	if r >= '0' && r <= '9' {
		return '0', true
	}
	if r < utf8.RuneSelf || !unicode.Is(unicode.Nd, r) {
		return 0, false
	}
	// Each range of the Nd table is whole families of ten, each starting
	// at its zero.
	for _, rg := range unicode.Nd.R16 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return r - (r-lo)%10, true
		}
	}
	for _, rg := range unicode.Nd.R32 {
		if lo, hi := rune(rg.Lo), rune(rg.Hi); r >= lo && r <= hi && rg.Stride == 1 {
			return r - (r-lo)%10, true
		}
	}
	return 0, false
}

// regularInterval returns the interval at which seps repeat when they are
// one character at every multiple of one interval, else 0.
func regularInterval(seps []groupSep) int {
	if len(seps) == 0 {
		return 0
	}
	g := 0
	for _, s := range seps {
		if s.sep != seps[0].sep {
			return 0
		}
		g = gcd(g, s.pos)
	}
	if g == 0 {
		return 0
	}
	at := make(map[int]bool, len(seps))
	for _, s := range seps {
		at[s.pos] = true
	}
	for i := 1; i <= len(seps); i++ {
		if !at[i*g] {
			return 0
		}
	}
	return g
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// formatInteger is $formatInteger(number, picture).
func formatInteger(value float64, picture string) (string, error) {
	p, err := parseIntegerPicture(picture)
	if err != nil {
		return "", fmt.Errorf("$formatInteger: %w", err)
	}
	if math.IsNaN(value) || math.IsInf(value, 0) {
		return "", fmt.Errorf("$formatInteger: %v is not a number it can format", value)
	}
	v := math.Floor(value)
	a := math.Abs(v)
	var s string
	switch p.format {
	case formatDecimal:
		if a >= maxDecimalInteger {
			return "", fmt.Errorf("$formatInteger: %v is too large to format in digits (the limit is 1e21)", value)
		}
		s = p.formatDecimal(strconv.FormatFloat(a, 'f', -1, 64))
	case formatLetters:
		s = integerLetters(a, p.upper)
	case formatRoman:
		if a/1000 > maxPadWidth {
			return "", fmt.Errorf("$formatInteger: %v in roman numerals would be longer than the limit of %d characters", value, maxPadWidth)
		}
		s = romanNumeral(uint64(a))
		if p.upper {
			s = strings.ToUpper(s)
		}
	case formatWords:
		s = integerWords(a, p.ordinal)
		switch {
		case p.upper:
			s = strings.ToUpper(s)
		case !p.title:
			s = strings.ToLower(s)
		}
	}
	if v < 0 {
		s = "-" + s
	}
	return s, nil
}

// formatDecimal writes the digits of a non-negative integer as p says.
func (p *integerPicture) formatDecimal(digits string) string {
	d := make([]rune, 0, max(p.mandatory, len(digits)))
	for i := len(digits); i < p.mandatory; i++ {
		d = append(d, '0')
	}
	d = append(d, []rune(digits)...)
	for i := range d {
		d[i] += p.zero - '0'
	}
	var out []rune
	if p.every > 0 {
		for i, r := range d {
			if left := len(d) - i; i > 0 && left%p.every == 0 {
				out = append(out, p.seps[0].sep)
			}
			out = append(out, r)
		}
	} else {
		at := make(map[int]rune, len(p.seps))
		for _, s := range p.seps {
			at[s.pos] = s.sep
		}
		for i, r := range d {
			if sep, ok := at[len(d)-i]; ok && i > 0 {
				out = append(out, sep)
			}
			out = append(out, r)
		}
	}
	s := string(out)
	if p.ordinal {
		s += ordinalSuffix(s)
	}
	return s
}

// ordinalSuffix returns the English ordinal suffix for the number written
// s: "st", "nd", "rd" after a last digit 1, 2, 3 not in the teens, else
// "th".
func ordinalSuffix(s string) string {
	n := len(s)
	if n > 1 && s[n-2] == '1' {
		return "th"
	}
	switch s[n-1] {
	case '1':
		return "st"
	case '2':
		return "nd"
	case '3':
		return "rd"
	}
	return "th"
}

// integerLetters writes the integer n >= 0 as a spreadsheet column does:
// a..z, aa, ab, ... (0 is empty). Past 2^53 the letters are those of the
// double arithmetic JSONata's reference implementation does.
func integerLetters(n float64, upper bool) string {
	a := byte('a')
	if upper {
		a = 'A'
	}
	var b []byte
	for n > 0 {
		b = append(b, a+byte(math.Mod(n-1, 26)))
		n = math.Floor((n - 1) / 26)
	}
	slices.Reverse(b)
	return string(b)
}

var romanValues = []struct {
	n uint64
	s string
}{{1000, "m"}, {900, "cm"}, {500, "d"}, {400, "cd"}, {100, "c"}, {90, "xc"}, {50, "l"}, {40, "xl"},
	{10, "x"}, {9, "ix"}, {5, "v"}, {4, "iv"}, {1, "i"}}

// romanNumeral writes n in lower-case roman numerals, thousands as
// repeated "m" (0 is empty).
func romanNumeral(n uint64) string {
	var b strings.Builder
	for _, rv := range romanValues {
		for n >= rv.n {
			b.WriteString(rv.s)
			n -= rv.n
		}
	}
	return b.String()
}

var (
	smallWords = [...]string{"Zero", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten",
		"Eleven", "Twelve", "Thirteen", "Fourteen", "Fifteen", "Sixteen", "Seventeen", "Eighteen", "Nineteen"}
	smallOrdinals = [...]string{"Zeroth", "First", "Second", "Third", "Fourth", "Fifth", "Sixth", "Seventh", "Eighth",
		"Ninth", "Tenth", "Eleventh", "Twelfth", "Thirteenth", "Fourteenth", "Fifteenth", "Sixteenth", "Seventeenth",
		"Eighteenth", "Nineteenth"}
	tensWords      = [...]string{"Twenty", "Thirty", "Forty", "Fifty", "Sixty", "Seventy", "Eighty", "Ninety"}
	magnitudeWords = [...]string{"Thousand", "Million", "Billion", "Trillion"}
)

// integerWords writes the integer n >= 0 in English words, in title case,
// as JSONata does: "Two Thousand, Seven Hundred and Eighty-Nine"; ordinal
// asks for "Eighty-Ninth". Past the trillions the magnitudes compound ("Ten
// Billion Trillion Trillion Trillion" for 1e46); past 2^53 the words are
// those of the double arithmetic JSONata's reference implementation does.
func integerWords(n float64, ordinal bool) string {
	return wordsOf(n, false, ordinal)
}

// wordsOf writes n; after is set when words come before it.
func wordsOf(n float64, after, ordinal bool) string {
	switch {
	case n <= 19:
		w := smallWords[int(n)]
		if ordinal {
			w = smallOrdinals[int(n)]
		}
		if after {
			return " and " + w
		}
		return w
	case n < 100:
		tens := math.Floor(n / 10)
		w := tensWords[int(tens)-2]
		if after {
			w = " and " + w
		}
		if r := n - tens*10; r > 0 {
			return w + "-" + wordsOf(r, false, ordinal)
		}
		if ordinal {
			return w[:len(w)-1] + "ieth"
		}
		return w
	}
	var w string
	var rest float64
	if n < 1000 {
		hundreds := math.Floor(n / 100)
		w, rest = smallWords[int(hundreds)]+" Hundred", n-hundreds*100
	} else {
		mag := (len(strconv.FormatFloat(n, 'f', 0, 64)) - 1) / 3
		mag = min(mag, len(magnitudeWords))
		factor := math.Pow10(mag * 3)
		mant := math.Floor(n / factor)
		w, rest = wordsOf(mant, false, false)+" "+magnitudeWords[mag-1], n-mant*factor
	}
	if after {
		w = ", " + w
	}
	if rest > 0 {
		return w + wordsOf(rest, true, ordinal)
	}
	if ordinal {
		return w + "th"
	}
	return w
}

// parseInteger is $parseInteger(string, picture), the inverse of
// $formatInteger for the same picture.
func parseInteger(s, picture string) (float64, error) {
	p, err := parseIntegerPicture(picture)
	if err != nil {
		return 0, fmt.Errorf("$parseInteger: %w", err)
	}
	var v float64
	switch p.format {
	case formatDecimal:
		v, err = p.parseDecimal(s)
	case formatLetters:
		v, err = parseLetters(s, p.upper)
	case formatRoman:
		v, err = parseRoman(s, p.upper)
	case formatWords:
		v, err = parseWords(s)
	}
	if err == nil && (math.IsInf(v, 0) || math.IsNaN(v)) {
		err = fmt.Errorf("it is too large")
	}
	if err != nil {
		return 0, fmt.Errorf("$parseInteger: '%s' does not read as the picture '%s': %w", clipProblem(s), clipProblem(picture), err)
	}
	return v, nil
}

// parseDecimal reads digits written as p says, an ordinal suffix and
// separators included.
func (p *integerPicture) parseDecimal(s string) (float64, error) {
	if p.ordinal && len(s) > 2 {
		switch s[len(s)-2:] {
		case "st", "nd", "rd", "th":
			s = s[:len(s)-2]
		}
	}
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	seps := make(map[rune]bool)
	for _, sep := range p.seps {
		seps[sep.sep] = true
	}
	var b strings.Builder
	for _, r := range s {
		if r >= p.zero && r <= p.zero+9 {
			b.WriteRune('0' + r - p.zero)
			continue
		}
		if !seps[r] {
			return 0, fmt.Errorf("%q is neither a digit nor a separator of the picture", r)
		}
	}
	if b.Len() == 0 {
		return 0, fmt.Errorf("it has no digits")
	}
	v, err := strconv.ParseFloat(b.String(), 64)
	if err != nil {
		return 0, fmt.Errorf("it is too large") // strconv.ErrRange: only digits were left
	}
	if neg {
		v = -v
	}
	return v, nil
}

// parseLetters reads a..z, aa, ab, ... (A..Z when upper).
// The empty string is 0, as 0 is formatted.
func parseLetters(s string, upper bool) (float64, error) {
	a := 'a'
	if upper {
		a = 'A'
	}
	v := 0.0
	for _, r := range s {
		if r < a || r > a+25 {
			return 0, fmt.Errorf("%q is not a letter %c to %c", r, a, a+25)
		}
		v = v*26 + float64(r-a+1)
	}
	return v, nil
}

// parseRoman reads roman numerals: upper case when upper, else either
// case, as JSONata reads them. The empty string is 0, as 0 is formatted.
func parseRoman(s string, upper bool) (float64, error) {
	values := map[rune]float64{'M': 1000, 'D': 500, 'C': 100, 'L': 50, 'X': 10, 'V': 5, 'I': 1}
	if !upper {
		s = strings.ToUpper(s)
	}
	runes := []rune(s)
	v, top := 0.0, 1.0
	for i := len(runes) - 1; i >= 0; i-- {
		n, ok := values[runes[i]]
		if !ok {
			return 0, fmt.Errorf("%q is not a roman numeral", runes[i])
		}
		if n < top {
			v -= n
		} else {
			top = n
			v += n
		}
	}
	return v, nil
}

// wordSplit separates the words of a number: ", ", " and ", a space or a
// hyphen.
var wordSplit = regexp.MustCompile(`,\s|\sand\s|[\s\\-]`)

// wordValues are the values of the words of integerWords, lower case.
var wordValues = func() map[string]float64 {
	m := map[string]float64{"hundred": 100, "hundredth": 100}
	for i, w := range smallWords {
		m[strings.ToLower(w)] = float64(i)
		m[strings.ToLower(smallOrdinals[i])] = float64(i)
	}
	for i, w := range tensWords {
		w = strings.ToLower(w)
		m[w] = float64(i+2) * 10
		m[w[:len(w)-1]+"ieth"] = float64(i+2) * 10
	}
	for i, w := range magnitudeWords {
		w = strings.ToLower(w)
		m[w] = math.Pow10((i + 1) * 3)
		m[w+"th"] = math.Pow10((i + 1) * 3)
	}
	return m
}()

// parseWords reads English words in any case: each word below a hundred
// adds to the group being built, "hundred" and the magnitudes multiply it,
// and a group of a thousand or more is complete.
func parseWords(s string) (float64, error) {
	groups := []float64{0}
	for _, w := range wordSplit.Split(strings.ToLower(s), -1) {
		n, ok := wordValues[w]
		if !ok {
			return 0, fmt.Errorf("%q is not a number word", w)
		}
		last := len(groups) - 1
		switch {
		case n >= 100:
			groups[last] *= n
		case groups[last] >= 1000:
			groups = append(groups, n)
		default:
			groups[last] += n
		}
	}
	v := 0.0
	for _, g := range groups {
		v += g
	}
	return v, nil
}
