package broken

type Kind []string

type BadOutput struct {
	K Kind
}
