/*
 * Event types by what they do to the timeline: the state family (Task, Map, ...) and the role
 * (a visit opens or closes, an attempt starts or ends, an iteration starts, ...). The legacy
 * Lambda and Activity events are task attempts like Task* ones (aws-facts a.4).
 */
#include "timeline/internal.h"

struct tl_kind tl_classify(enum ev_type t)
{
	switch (t) {
#define K(type, r, f)                                                                              \
	case EV_##type:                                                                            \
		return (struct tl_kind){r, TL_STATE_##f}
		K(TaskStateEntered, R_ENTER, TASK);
		K(TaskStateExited, R_EXIT, TASK);
		K(TaskStateAborted, R_ABORT, TASK);
		K(PassStateEntered, R_ENTER, PASS);
		K(PassStateExited, R_EXIT, PASS);
		K(WaitStateEntered, R_ENTER, WAIT);
		K(WaitStateExited, R_EXIT, WAIT);
		K(WaitStateAborted, R_ABORT, WAIT);
		K(ChoiceStateEntered, R_ENTER, CHOICE);
		K(ChoiceStateExited, R_EXIT, CHOICE);
		K(SucceedStateEntered, R_ENTER, SUCCEED);
		K(SucceedStateExited, R_EXIT, SUCCEED);
		K(FailStateEntered, R_ENTER, FAIL);
		K(MapStateEntered, R_ENTER, MAP);
		K(MapStateExited, R_EXIT, MAP);
		K(MapStateAborted, R_ABORT, MAP);
		K(MapStateStarted, R_RUN_START, MAP);
		K(MapStateSucceeded, R_RUN_OK, MAP);
		K(MapStateFailed, R_RUN_FAIL, MAP);
		K(MapRunStarted, R_MAPRUN, MAP);
		K(MapRunSucceeded, R_MAPRUN, MAP);
		K(MapRunFailed, R_MAPRUN, MAP);
		K(MapRunAborted, R_MAPRUN, MAP);
		K(MapRunRedriven, R_MAPRUN, MAP);
		K(ParallelStateEntered, R_ENTER, PARALLEL);
		K(ParallelStateExited, R_EXIT, PARALLEL);
		K(ParallelStateAborted, R_ABORT, PARALLEL);
		K(ParallelStateStarted, R_RUN_START, PARALLEL);
		K(ParallelStateSucceeded, R_RUN_OK, PARALLEL);
		K(ParallelStateFailed, R_RUN_FAIL, PARALLEL);
		K(TaskScheduled, R_ATT_START, TASK);
		K(LambdaFunctionScheduled, R_ATT_START, TASK);
		K(ActivityScheduled, R_ATT_START, TASK);
		K(TaskStarted, R_ATT_RUN, TASK);
		K(LambdaFunctionStarted, R_ATT_RUN, TASK);
		K(ActivityStarted, R_ATT_RUN, TASK);
		K(TaskSubmitted, R_ATT_MID, TASK);
		K(TaskSucceeded, R_ATT_OK, TASK);
		K(LambdaFunctionSucceeded, R_ATT_OK, TASK);
		K(ActivitySucceeded, R_ATT_OK, TASK);
		K(TaskFailed, R_ATT_FAIL, TASK);
		K(TaskStartFailed, R_ATT_FAIL, TASK);
		K(TaskSubmitFailed, R_ATT_FAIL, TASK);
		K(LambdaFunctionFailed, R_ATT_FAIL, TASK);
		K(LambdaFunctionScheduleFailed, R_ATT_FAIL, TASK);
		K(LambdaFunctionStartFailed, R_ATT_FAIL, TASK);
		K(ActivityFailed, R_ATT_FAIL, TASK);
		K(ActivityScheduleFailed, R_ATT_FAIL, TASK);
		K(TaskTimedOut, R_ATT_TIMEOUT, TASK);
		K(LambdaFunctionTimedOut, R_ATT_TIMEOUT, TASK);
		K(ActivityTimedOut, R_ATT_TIMEOUT, TASK);
		K(MapIterationStarted, R_ITER_START, MAP);
		K(MapIterationSucceeded, R_ITER_OK, MAP);
		K(MapIterationFailed, R_ITER_FAIL, MAP);
		K(MapIterationAborted, R_ITER_ABORT, MAP);
		K(ExecutionStarted, R_EXEC_START, UNKNOWN);
		K(ExecutionSucceeded, R_EXEC_OK, UNKNOWN);
		K(ExecutionFailed, R_EXEC_FAIL, UNKNOWN);
		K(ExecutionTimedOut, R_EXEC_TIMEOUT, UNKNOWN);
		K(ExecutionAborted, R_EXEC_ABORT, UNKNOWN);
		K(ExecutionRedriven, R_EXEC_REDRIVE, UNKNOWN);
		K(EvaluationFailed, R_EVAL_FAIL, UNKNOWN);
#undef K
	default:
		return (struct tl_kind){R_OTHER, TL_STATE_UNKNOWN};
	}
}
