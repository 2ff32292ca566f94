package model

// SetInlineLimit sets how many objects a session keeps inline (0: none,
// every session uses the separate slice) and returns a func restoring it.
func SetInlineLimit(n int) (restore func()) {
	old := inlineLimit
	inlineLimit = n
	return func() { inlineLimit = old }
}
