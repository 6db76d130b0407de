using System.Runtime.InteropServices;
using FFActors.Core.Platform;
using static TorchSharp.torch;

namespace FFActors.Core.Tests;

/// <summary>
/// oneMKL's vendor check answers "Intel" on AMD processors (<see cref="MklDispatch"/>), and the kernels it then picks
/// compute what they should on this CPU.
/// </summary>
public class MklDispatchTests
{
    delegate int IntelCpuTrue();

    static bool OnAmdLinux() =>
        OperatingSystem.IsLinux() && RuntimeInformation.ProcessArchitecture == Architecture.X64
        && File.ReadLines("/proc/cpuinfo").Any(l => l.StartsWith("vendor_id", StringComparison.Ordinal) && l.EndsWith("AuthenticAMD", StringComparison.Ordinal));

    [Fact]
    public void The_module_initializer_patched_the_vendor_check_on_an_AMD_cpu()
    {
        _ = zeros(1);
        if (!OnAmdLinux() || Environment.GetEnvironmentVariable(MklDispatch.Variable) is not null)
        {
            Assert.False(MklDispatch.Patched, MklDispatch.Status);
            Assert.StartsWith("vendor dispatch (", MklDispatch.Status);
            return;
        }
        Assert.True(MklDispatch.Patched, MklDispatch.Status);
        Assert.Equal("Intel code paths on AuthenticAMD (mkl_serv_intel_cpu_true patched)", MklDispatch.Status);

        string path = File.ReadLines("/proc/self/maps").Select(l => l[Math.Max(0, l.IndexOf('/'))..])
            .First(p => p.EndsWith("/libtorch_cpu.so", StringComparison.Ordinal));
        var function = NativeLibrary.GetExport(NativeLibrary.Load(path), "mkl_serv_intel_cpu_true");
        Assert.Equal(1, Marshal.GetDelegateForFunctionPointer<IntelCpuTrue>(function)());

        MklDispatch.Apply(); // idempotent
        Assert.True(MklDispatch.Patched);
        Assert.Equal(1, Marshal.GetDelegateForFunctionPointer<IntelCpuTrue>(function)());
    }

    /// <summary>Each dense layer's GEMM shapes (forward and weight gradient, batch 1000) against dot products in double.</summary>
    [Theory]
    [InlineData(2000, 784, 500)]
    [InlineData(2000, 500, 500)]
    [InlineData(200, 1000, 1000)]
    public void Gemms_of_the_layer_shapes_match_dot_products_in_double(int rows, int inputs, int outputs)
    {
        using var scope = NewDisposeScope();
        var gen = new TorchSharp.torch.Generator(7);
        var x = randn([rows, inputs], generator: gen);
        var w = randn([outputs, inputs], generator: gen);
        var g = randn([rows, outputs], generator: gen);
        var forward = x.matmul(w.t());      // [rows, outputs]
        var gradient = g.t().matmul(x);     // [outputs, inputs]

        float[] xs = x.data<float>().ToArray(), ws = w.data<float>().ToArray(), gs = g.data<float>().ToArray();
        float[] f = forward.data<float>().ToArray(), d = gradient.data<float>().ToArray();
        var pick = new Random(11);
        for (int n = 0; n < 300; n++)
        {
            int i = pick.Next(rows), j = pick.Next(outputs), k = pick.Next(inputs);
            double expected = 0, scale = 0;
            for (int c = 0; c < inputs; c++)
            {
                expected += (double)xs[i * inputs + c] * ws[j * inputs + c];
                scale += Math.Abs((double)xs[i * inputs + c] * ws[j * inputs + c]);
            }
            Assert.True(Math.Abs(f[i * outputs + j] - expected) <= 1e-5 * scale + 1e-6, $"forward [{i},{j}]: {f[i * outputs + j]} vs {expected}");

            expected = 0;
            scale = 0;
            for (int r = 0; r < rows; r++)
            {
                expected += (double)gs[r * outputs + j] * xs[r * inputs + k];
                scale += Math.Abs((double)gs[r * outputs + j] * xs[r * inputs + k]);
            }
            Assert.True(Math.Abs(d[j * inputs + k] - expected) <= 1e-5 * scale + 1e-6, $"weight gradient [{j},{k}]: {d[j * inputs + k]} vs {expected}");
        }
    }
}
