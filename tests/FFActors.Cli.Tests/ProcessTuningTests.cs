using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.RegularExpressions;
using FFActors.Cli.Platform;

namespace FFActors.Cli.Tests;

/// <summary>
/// <see cref="ProcessTuning"/>: nothing is tuned unless <c>FFACTORS_TUNING</c> names it. The oneMKL patch is only ever
/// applied in a child <c>ffactors</c> process: applied inside this test host it would change the kernels of every other
/// test that trains here.
/// </summary>
public class ProcessTuningTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Nothing_is_switched_on_by_default(string? value) => Assert.Empty(ProcessTuning.Parse(value));

    [Theory]
    [InlineData("mkl-intel-paths")]
    [InlineData(" mkl-intel-paths , ")]
    public void The_oneMKL_switch_is_read_from_a_comma_separated_list(string value) =>
        Assert.Equal([ProcessTuning.MklIntelPaths], ProcessTuning.Parse(value));

    [Fact]
    public void An_unknown_switch_names_the_variable_and_the_switch()
    {
        var e = Assert.Throws<ArgumentException>(() => ProcessTuning.Parse("mkl-intel-paths,glibc-heap"));
        Assert.Contains("FFACTORS_TUNING=mkl-intel-paths,glibc-heap", e.Message);
        Assert.Contains("'glibc-heap'", e.Message);
    }

    [Fact]
    public void The_test_host_leaves_oneMKL_alone()
    {
        Assert.False(MklDispatch.Patched);
        Assert.Equal("oneMKL: vendor dispatch", ProcessTuning.Describe());
    }

    [Fact]
    public void The_executable_refuses_an_unknown_switch_in_one_line()
    {
        var psi = FfactorsProcess.Command("train", "--set", "train.epochs=1");
        psi.Environment[ProcessTuning.Variable] = "malloc-trim";
        var (code, _, err) = FfactorsProcess.Run(psi);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("FFACTORS_TUNING=malloc-trim", err);
    }

    /// <summary>
    /// The same small job without and with the oneMKL switch: the run says which dispatch it used, and the patched
    /// kernels train as well as the vendor ones (their results differ only in the last bits, so the accuracies agree
    /// closely; a wrong GEMM would not learn at all).
    /// </summary>
    [Fact]
    public void The_oneMKL_switch_patches_the_vendor_check_in_the_ffactors_process_only_when_asked()
    {
        var vendor = SmallRun(null);
        var patched = SmallRun(ProcessTuning.MklIntelPaths);

        Assert.Contains("oneMKL: vendor dispatch", vendor.Output);
        bool amd = OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64
            && File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("vendor_id", StringComparison.Ordinal) && l.EndsWith("AuthenticAMD", StringComparison.Ordinal));
        if (amd)
            Assert.Contains("oneMKL: Intel code paths on AuthenticAMD (mkl_serv_intel_cpu_true patched)", patched.Output);
        else
            Assert.Contains("oneMKL: vendor dispatch (", patched.Output);

        Assert.True(vendor.Accuracy > 0.5, $"vendor kernels: {vendor.Accuracy:P2}\n{vendor.Output}"); // chance is 10 %; one epoch of 6 000 images reaches ~58 %
        Assert.True(Math.Abs(patched.Accuracy - vendor.Accuracy) < 0.03, $"patched {patched.Accuracy:P2} vs vendor {vendor.Accuracy:P2}\n{patched.Output}");
    }

    static (string Output, double Accuracy) SmallRun(string? tuning)
    {
        var runs = Path.Combine(TempFolder.New(), "runs");
        var psi = FfactorsProcess.Command("train", "--set", $"data.dir={RepoPaths.Data}", "--set", "data.train-limit=6000", "--set", "data.test-limit=1000",
            "--set", "model.layers=[784,100]", "--set", "train.epochs=1", "--set", "eval.head.epochs=0", "--set", "run.name=tuning", "--out", runs);
        psi.Environment.Remove(ProcessTuning.Variable);
        if (tuning is not null) psi.Environment[ProcessTuning.Variable] = tuning;
        var (code, stdout, err) = FfactorsProcess.Run(psi);
        Assert.True(code == 0, $"exit {code}: {stdout}\n{err}");
        stdout = Regex.Replace(stdout, @"\s+", " "); // the console wraps long lines at word boundaries
        using var results = JsonDocument.Parse(File.ReadAllText(Path.Combine(runs, "tuning", "results.json")));
        return (stdout, results.RootElement.GetProperty("goodness_accuracy").GetDouble());
    }
}
