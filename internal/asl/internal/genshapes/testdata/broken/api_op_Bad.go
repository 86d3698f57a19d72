package broken

import "example.com/broken/types"

type BadOutput struct {
	K types.Kind
	M types.Missing
}
