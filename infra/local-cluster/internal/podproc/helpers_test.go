package podproc

import (
	"errors"
	"fmt"
	"strconv"
)

func errorsAs(err error, target any) bool { return errors.As(err, target) }

func fmtSscan(s string, v *int) (int, error) { return fmt.Sscan(s, v) }

func itoa(i int) string { return strconv.Itoa(i) }
