package asl

import (
	"math"
	"strings"
	"testing"
)

// TestJSONataFormatInteger: $formatInteger and $parseInteger, which the
// library lacks (they failed as unknown functions), give the examples of
// JSONata's documentation and the pictures users write, each way.
func TestJSONataFormatInteger(t *testing.T) {
	checkJSONata(t, nil, []struct{ expr, want string }{
		// docs.jsonata.org, "Numeric functions"
		{"$formatInteger(2789, 'w')", `"two thousand, seven hundred and eighty-nine"`},
		{"$formatInteger(1999, 'I')", `"MCMXCIX"`},
		{`$parseInteger("twelve thousand, four hundred and seventy-six", 'w')`, `12476`},
		{"$parseInteger('12,345,678', '#,##0')", `12345678`},
		// decimal digits: padding, grouping, ordinals, other digit families
		{"$formatInteger(7, '000')", `"007"`},
		{"$formatInteger(-7, '000')", `"-007"`},
		{"$formatInteger(1234567, '#,##0')", `"1,234,567"`},
		{"$formatInteger(12, '#,##0')", `"12"`},
		{"$formatInteger(1234567, '#,###,##0')", `"1,234,567"`},
		{"$formatInteger(12345678, '#,##,##0')", `"123,45,678"`}, // irregular: not repeated
		{"$formatInteger(123456789, '0;0000,000')", `"123456789"`},
		{"$formatInteger(1234567, '# ##0')", `"1 234 567"`},
		{"$formatInteger(12.9, '0')", `"12"`},
		{"$formatInteger(-12.1, '0')", `"-13"`},
		{"$formatInteger(1, '0;o')", `"1st"`},
		{"$formatInteger(22, '0;o')", `"22nd"`},
		{"$formatInteger(113, '0;o')", `"113th"`},
		{"$formatInteger(1003, '#,##0;o')", `"1,003rd"`},
		{"$formatInteger(2024, '٠٠٠')", `"٢٠٢٤"`},
		{"$formatInteger(5, '０００')", `"００５"`},
		{"$formatInteger(123456789012345678, '0')", `"123456789012345680"`},
		// roman numerals, letters, words
		{"$formatInteger(2024, 'i')", `"mmxxiv"`},
		{"$formatInteger(0, 'I')", `""`},
		{"$formatInteger(1, 'a')", `"a"`},
		{"$formatInteger(28, 'A')", `"AB"`},
		{"$formatInteger(702, 'a')", `"zz"`},
		{"$formatInteger(703, 'A')", `"AAA"`},
		{"$formatInteger(21, 'W')", `"TWENTY-ONE"`},
		{"$formatInteger(1000001, 'Ww')", `"One Million and One"`},
		{"$formatInteger(0, 'w')", `"zero"`},
		{"$formatInteger(101, 'w;o')", `"one hundred and first"`},
		{"$formatInteger(40, 'Ww;o')", `"Fortieth"`},
		{"$formatInteger(1e15, 'w')", `"one thousand trillion"`},
		{"$formatInteger(-3, 'w')", `"-three"`},
		// as a method of its context, and undefined in, undefined out
		{"(2).$formatInteger('w')", `"two"`},
		{"['MMXXIV'].$parseInteger('I')", `2024`},
		{"$exists($formatInteger($nothing, '0'))", `false`},
		{"$exists($parseInteger($nothing, '0'))", `false`},
		// parsing
		{"$parseInteger('007', '000')", `7`},
		{"$parseInteger('-1,234', '#,##0')", `-1234`},
		{"$parseInteger('1 234 567', '# ##0')", `1234567`},
		{"$parseInteger('123,45,678', '#,##,##0')", `12345678`},
		{"$parseInteger('22nd', '0;o')", `22`},
		{"$parseInteger('٢٠٢٤', '٠')", `2024`},
		{"$parseInteger('mmxxiv', 'i')", `2024`},
		{"$parseInteger('MCMXCIX', 'I')", `1999`},
		{"$parseInteger('', 'I')", `0`},
		{"$parseInteger('AAA', 'A')", `703`},
		{"$parseInteger('zz', 'a')", `702`},
		{"$parseInteger('One Million and One', 'Ww')", `1000001`},
		{"$parseInteger('one hundred and first', 'w;o')", `101`},
		{"$parseInteger('TWENTY-ONE', 'W')", `21`},
	})
	// Each picture reads back what it wrote.
	for _, picture := range []string{"0", "#,##0", "000;o", "٠", "i", "I", "a", "A", "w", "W", "Ww", "w;o"} {
		for _, n := range []int{0, 1, 9, 11, 12, 13, 19, 20, 40, 99, 100, 101, 110, 999, 1000, 1001, 2789, 12476, 100000, 999999, 1000000, 1234567} {
			if n == 0 && (picture == "a" || picture == "A") {
				continue // formats as ""; reads back as 0 too, but "" is no letter
			}
			f, err := formatInteger(float64(n), picture)
			if err != nil {
				t.Fatalf("formatInteger(%d, %q): %v", n, picture, err)
			}
			if back, err := parseInteger(f, picture); err != nil || back != float64(n) {
				t.Errorf("parseInteger(%q, %q) = %v, %v, want %d", f, picture, back, err, n)
			}
		}
	}
}

// TestJSONataFormatIntegerErrors: pictures and numbers the functions do
// not take fail with a message naming them.
func TestJSONataFormatIntegerErrors(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{"$formatInteger(1, 'x')", "the picture 'x' is not supported"},
		{"$formatInteger(1, '')", "the picture '' is not supported"},
		{"$formatInteger(1, '#')", "the picture '#' is not supported"},
		{"$formatInteger(1, '0٠')", "mixes digits of different families"},
		{"$formatInteger(1e21, '0')", "too large to format in digits"},
		{"$formatInteger(1e300, 'I')", "longer than the limit"},
		{"$formatInteger('1', '0')", "argument 1"},
		{"$parseInteger('12a', '0')", `'12a' does not read as the picture '0': 'a' is neither a digit nor a separator`},
		{"$parseInteger('', '0')", "has no digits"},
		{"$parseInteger('MCMZ', 'I')", `'Z' is not a roman numeral`},
		{"$parseInteger('mcm', 'I')", `'m' is not a roman numeral`},
		{"$parseInteger('a1', 'a')", `'1' is not a letter a to z`},
		{"$parseInteger('twelve dozen', 'w')", `"dozen" is not a number word`},
		{"$parseInteger('1', 'x')", "the picture 'x' is not supported"},
		{"$parseInteger('" + strings.Repeat("z", 300) + "', 'a')", "too large"},
	} {
		_, err := evalJSONata(t, tc.expr, nil)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: err = %v, want %q", tc.expr, err, tc.want)
		}
	}
}

// FuzzIntegerPictures: no picture, number or string makes the functions
// panic, and what a decimal picture writes reads back.
func FuzzIntegerPictures(f *testing.F) {
	f.Add(1234.0, "#,##0", "1,234")
	f.Add(-7.0, "000;o", "007th")
	f.Add(2024.0, "٠٠٠", "٢٠٢٤")
	f.Add(1999.0, "I", "MCMXCIX")
	f.Add(2789.0, "w", "two thousand, seven hundred and eighty-nine")
	f.Add(28.0, "A", "AB")
	f.Fuzz(func(t *testing.T, n float64, picture, s string) {
		_, _ = parseInteger(s, picture)
		out, err := formatInteger(n, picture)
		if err != nil {
			return
		}
		p, _ := parseIntegerPicture(picture)
		if p.format != formatDecimal || math.Abs(n) >= 1<<53 || strings.ContainsAny(picture, "-") {
			return
		}
		if back, err := parseInteger(out, picture); err != nil || back != math.Floor(n) {
			t.Errorf("parseInteger(%q, %q) = %v, %v; want %v", out, picture, back, err, math.Floor(n))
		}
	})
}

// TestJSONataFormatIntegerLongPicture: pictures and strings as long as a
// payload take time in proportion to their length (a picture's digits
// padded one at a time to the front, or each character of a string
// compared with each separator, would take time growing with its square),
// and errors quote them clipped.
func TestJSONataFormatIntegerLongPicture(t *testing.T) {
	picture := strings.Repeat("0", 200000)
	s, err := formatInteger(42, picture)
	if err != nil || len(s) != len(picture) || !strings.HasSuffix(s, "042") {
		t.Errorf("formatInteger(42, 200,000 zeros) = %.10s... (%d characters), %v", s, len(s), err)
	}
	var seps strings.Builder
	for i := 0; i < 100000; i++ {
		seps.WriteString("0" + string(rune(0x4e00+i%20000)))
	}
	if v, err := parseInteger("1"+strings.Repeat("一", 200000), seps.String()); v != 1 || err != nil {
		t.Errorf("parseInteger(1 and 200,000 separators, a picture of 100,000 separators) = %v, %v, want 1", v, err)
	}
	_, err = parseInteger(strings.Repeat("9", 400), strings.Repeat("0", 200000))
	if err == nil || len(err.Error()) > 2*maxProblemText+200 {
		t.Errorf("parseInteger(400 nines, 200,000 zeros): the error is %d bytes long, want it clipped: %.300v", len(err.Error()), err)
	}
}
