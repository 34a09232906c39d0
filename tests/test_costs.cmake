# Scheduling hints for `ctest -j` on a fresh checkout (issue 15): the seconds the slowest GoogleTest tests took
# on the project's 2-core machine (build/Testing/Temporary/CTestCostData.txt, December 2026), so the longest
# start first and the run does not end with one long test on one core. Once ctest has measured a build
# directory it uses its own figures instead; a test not named here runs in the default order. Only the order
# changes: a name that no longer exists is ignored. ctest includes this file after the discovered tests; the
# deploy and browser suites carry their COST where tests/CMakeLists.txt adds them.
set(perfval_test_costs
  BenchQuick.QuickRunCoversTheSuite:58
  CapacitySteps.TheAnswerIsTheStepBelowTheSlaLine:28
  CapacitySteps.AStepCutShortByAbortOnFailCountsAsBroken:26
  RegressRealBench.TwoRealRunsNeverRegressAndThreeTimesWorseFails:25
  CapacitySteps.NotReachedWhenTheSlaHoldsAtEveryStep:14
  RegressCompare.TwiceTheWorkIsFoundAndTheSameBuildPasses:13
  RunBadServer.RawResponseTableThroughTheEngine:12
  RunResources.PrometheusSourceSumsTheMatchedSeries:11
  RealSlurm.MockV0038HasTheKeyStructureOfTheRealSlurmrestd:10
  SuiteTest.FilterMatchingNothingExitsTwo:8
  RegressCli.FailedSlackPostIsReportedWithoutTheUrlAndKeepsTheVerdict:8
  RunAbort.LiveThresholdsOnVusReadTheGaugeNotASumOverSeconds:7
  ReportCli.ReportOverlaysRunsAndRefusesBadFilesByName:6
  ReportCli.RegressHtmlShowsEachVerdictAndKeepsTheExitCode:6
  RealSlurm.StartPrintsTheSocketLastIsIdempotentAndStopLeavesNothing:6
  Prometheus.PushedResultsAreScrapedAndQueryableByName:6
  ServeTarget.LiveMetricsCarryTheTargetsMemoryWhileTheRunGoesOn:5
  RunExecutors.RampingVusFollowsTheStages:5
  Prometheus.LiveMetricsDuringARunAreValidExposition:5
  ServeTarget.PidReadsItsProc:4
  ServeTarget.MetricsUrlReportsItsMemoryAndCpu:4
  ServeTarget.AMemoryThresholdTheTargetExceedsFailsTheRun:4
  RunResources.UnreachableMetricsUrlIsNoDataAndFailsItsThresholdButNotTheRun:4
  RunResources.NodeExporterMemoryCpuAndGcPauses:4
  RunFaults.StallShowsInCorrectedTailNotInUncorrectedMedian:4
  SuiteTest.ControlSetRunsAroundEveryCategoryWhateverTheFilter:3
  RunResources.AProcessThatExitsStopsSamplingWithANote:3
  RunFaults.InjectedErrorRateShowsInHttpReqFailed:3
  RunExecutors.RampingArrivalRateSchedulesTheIntegral:3
  RunExecutors.ConstantVusLoopsWithThinkTime:3
  RunExecutors.ConstantArrivalRateHoldsTheRate:3
  ReportCli.RunOutWritesTheReportBesideTheSummary:3
  MergeTest.FourSegmentsMergeToTheSameRunAsOneProcess:3
  BenchCli.PushesResultsToARealPushgateway:3
)
foreach(entry IN LISTS perfval_test_costs)
  string(REPLACE ":" ";" parts "${entry}")
  list(GET parts 0 name)
  list(GET parts 1 seconds)
  set_tests_properties(${name} PROPERTIES COST ${seconds})
endforeach()

# Tests that start the real SLURM (scripts/slurm-local.sh): it picks free loopback ports for slurmctld and slurmd
# when it starts, and two starts at once under `ctest -j` can pick the same one ("Address already in use"); ctest
# runs the tests holding the same lock one after another, and the rest of the suite beside them.
foreach(name IN ITEMS
    RealSlurm.StartPrintsTheSocketLastIsIdempotentAndStopLeavesNothing
    RealSlurm.MockV0038HasTheKeyStructureOfTheRealSlurmrestd
    RealSlurm.SlurmrestdScenarioOnTheRealSocketAnswersEveryRequestAndPassesEveryCheck
    SlurmLocal.MissingPackagesAreNamedAndTheStartFails
    SlurmLocal.DirUnreachableForSlurmrestdIsRefusedNamingTheBlockingDirectory)
  set_tests_properties(${name} PROPERTIES RESOURCE_LOCK slurm)
endforeach()
