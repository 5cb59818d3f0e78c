package encode

// Exported for tests only.
var (
	SelfCheck007 = selfCheck007
	SelfCheck006 = selfCheck006
)
