package templates

// LoginLinkPage is the page a one-time sign-in link opens.
type LoginLinkPage struct {
	User string // the panel user now signed in
}
