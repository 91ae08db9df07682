package podproc

import "errors"

var errNoCommand = errors.New("the container has no command, no args and the image no default")

type notFoundError struct{ cmd string }

func (e *notFoundError) Error() string {
	return "executable " + e.cmd + " not found in the runtime's environment"
}
