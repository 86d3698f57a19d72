//go:build !aslready

package sfnlocal

import "errors"

// defaultCompiler is used until the interpreter in internal/asl provides
// Parse: every definition is refused.
func defaultCompiler(string) (program, error) {
	return nil, errors.New("the ASL interpreter is not available in this build")
}
