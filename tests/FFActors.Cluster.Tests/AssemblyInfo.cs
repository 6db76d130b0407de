using Xunit;

// Tensor counts, ports and the 2 cores are shared: run test classes one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
