//go:build !unix

package stop

import "context"

// Run signals nothing where there are no POSIX signals: every process of the plan is
// reported as surviving.
func Run(ctx context.Context, plan Plan, o Options) Result {
	return Result{Survived: plan.Procs}
}
