using System.Reflection;
using System.Text.Json;
using AlpacaFarm.Abstractions;
using AlpacaFarm.Abstractions.Artifacts;
using AlpacaFarm.Abstractions.Compute;
using AlpacaFarm.Abstractions.Methods;
using AlpacaFarm.Abstractions.Policies;
using AlpacaFarm.Abstractions.Preferences;
using AlpacaFarm.Abstractions.Reporting;

namespace AlpacaFarm.Tests.Contract;

/// <summary>The contract must cross a process boundary: data round-trips through JSON, services take and return data only.</summary>
public sealed class ContractSerialisationTests
{
    private static readonly Type[] Services = [typeof(IPreferenceService), typeof(IPolicy), typeof(IMethodReporter)];

    [Fact]
    public void Method_run_spec_round_trips_every_field()
    {
        var spec = ContractSamples.Spec();

        var back = RoundTrip(spec);

        Assert.Equal(JsonSerializer.Serialize(spec), JsonSerializer.Serialize(back));
        Assert.Equal(spec.SftPolicy, back.SftPolicy);
        Assert.Equal(spec.Splits.Unlabeled, back.Splits.Unlabeled);
        Assert.Equal(spec.Hyperparameters, back.Hyperparameters);
        Assert.Equal(spec.Compute, back.Compute);
        Assert.Equal(42, back.Seed);
    }

    [Fact]
    public void Descriptors_of_the_built_in_methods_round_trip()
    {
        var catalog = AlpacaFarm.Catalog.PluginCatalog.Load([]);

        // Every built-in plugin loaded, with its methods: an empty catalog would make the loop below vacuous.
        Assert.Equal(["best-of-n", "dpo", "expert-iteration", "feedme", "ppo", "quark"], catalog.Plugins.Select(plugin => plugin.Manifest?.Id).Order());
        Assert.Equal(["best-of-n", "binary-feedme", "binary-reward-conditioning", "dpo", "expert-iteration", "ppo", "quark"],
            catalog.Methods.Select(entry => entry.Method.Descriptor?.Id).Order());
        foreach (var (_, method) in catalog.Methods)
        {
            var back = RoundTrip(method.Descriptor!);
            Assert.Equal(JsonSerializer.Serialize(method.Descriptor), JsonSerializer.Serialize(back));
            Assert.Equal(method.Descriptor!.Defaults, back.Defaults);
            Assert.Empty(back.Validate());
        }
    }

    [Fact]
    public void Every_type_a_service_takes_or_returns_is_serialisable()
    {
        foreach (var member in Services.SelectMany(service => service.GetMethods()))
        {
            var types = member.GetParameters().Select(parameter => parameter.ParameterType).Append(member.ReturnType);
            foreach (var type in types.SelectMany(Unwrap))
            {
                if (type == typeof(CancellationToken) || type == typeof(void) || type == typeof(string) || type.IsPrimitive || type.IsEnum) continue;
                Assert.True(ContractSamples.ServiceValues.TryGetValue(type, out var sample),
                    $"{member.DeclaringType!.Name}.{member.Name} uses {type.Name}, which has no serialisation sample");
                var json = JsonSerializer.Serialize(sample, type);
                Assert.Equal(json, JsonSerializer.Serialize(JsonSerializer.Deserialize(json, type), type));
            }
        }
    }

    [Fact]
    public void Context_services_are_interfaces_and_data_lives_in_the_spec()
    {
        var properties = typeof(MethodContext).GetProperties();

        Assert.Equal(["Preferences", "Reporter", "Spec"], properties.Select(property => property.Name).Order());
        Assert.All(properties.Where(property => property.Name != "Spec"), property => Assert.True(property.PropertyType.IsInterface));
    }

    [Theory]
    [InlineData("3.0.0", null)]
    [InlineData("3.1.0", null)]
    [InlineData("3.1.7", null)]
    [InlineData("2.2.0", "built for contract 2.2.0; this host implements 3.1.0 (major versions differ)")]
    [InlineData("3.2.0", "built for contract 3.2.0, newer than this host's 3.1.0")]
    [InlineData("one", "contract version 'one' is not MAJOR.MINOR.PATCH")]
    public void Contract_version_check(string declared, string? expected) =>
        Assert.Equal(expected, ContractVersion.Incompatibility(declared));

    [Fact]
    public void Compute_resources_cannot_be_made_ill_formed()
    {
        var fine = new ComputeResources("cuda:1", 4, 1);

        Assert.Equal(("cuda:1", 4, 1L), (fine.Device, fine.Threads, fine.MemoryBudgetBytes));
        Assert.StartsWith("device 'gpu' is neither 'cpu' nor 'cuda:N'", Assert.Throws<ArgumentException>(() => new ComputeResources("gpu", 1, 1)).Message);
        Assert.StartsWith("threads must be at least 1 (got 0)", Assert.Throws<ArgumentException>(() => new ComputeResources("cpu", 0, 1)).Message);
        Assert.StartsWith("threads must be at least 1 (got 0)", Assert.Throws<ArgumentException>(() => fine with { Threads = 0 }).Message);
        Assert.StartsWith("memory budget must be positive", Assert.Throws<ArgumentException>(() => new ComputeResources("cpu", 1, 0)).Message);
        Assert.StartsWith("precision 'fp16' is neither fp32 nor bf16-mixed", Assert.Throws<ArgumentException>(() => fine with { Precision = "fp16" }).Message);
        // A process boundary cannot smuggle one in either.
        Assert.Throws<ArgumentException>(() => System.Text.Json.JsonSerializer.Deserialize<ComputeResources>("{\"Device\":\"tpu\",\"Threads\":1,\"MemoryBudgetBytes\":1}"));
        Assert.Throws<ArgumentException>(() => System.Text.Json.JsonSerializer.Deserialize<ComputeResources>(
            "{\"Device\":\"cpu\",\"Threads\":1,\"MemoryBudgetBytes\":1,\"Precision\":\"fp8\"}"));
    }

    [Fact]
    public void Precision_is_fp32_unless_set_and_keys_name_it_only_when_it_is_not()
    {
        var fp32 = new ComputeResources("cpu", 2, 1);
        var bf16 = fp32 with { Precision = ComputeResources.Bf16Mixed };

        Assert.Equal("fp32", fp32.Precision);
        // fp32 keys read as they did before precision existed, so every stored fp32 artifact and run keeps its key.
        Assert.Equal("device=cpu;threads=2", fp32.ResultKey);
        Assert.Equal("device=cpu;threads=2;precision=bf16-mixed", bf16.ResultKey);
        Assert.Equal(bf16, System.Text.Json.JsonSerializer.Deserialize<ComputeResources>(System.Text.Json.JsonSerializer.Serialize(bf16)));
    }

    [Fact]
    public void Hyperparameters_read_in_the_invariant_culture()
    {
        var values = new Dictionary<string, string> { ["lr"] = "1e-5", ["n"] = "16", ["flag"] = "true" };

        Assert.Equal(1e-5, values.GetDouble("lr"));
        Assert.Equal(16, values.GetInt("n"));
        Assert.True(values.GetBool("flag"));
        Assert.Equal("hyperparameter 'missing' is not set", Assert.Throws<KeyNotFoundException>(() => values.GetInt("missing")).Message);
    }

    [Fact]
    public void Artifact_hash_covers_names_and_contents_in_a_fixed_order()
    {
        var folder = Directory.CreateTempSubdirectory("alpacafarm-artifact-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(folder, "sub"));
            File.WriteAllText(Path.Combine(folder, "b.txt"), "two");
            File.WriteAllText(Path.Combine(folder, "sub", "a.txt"), "one");
            var handle = ArtifactHandle.ForFolder(ArtifactKind.Policy, folder, "test/1");

            // Independently: sha256 of "b.txt\t<sha(two)>\nsub/a.txt\t<sha(one)>\n".
            static string Sha(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
            Assert.Equal(Sha($"b.txt\t{Sha("two")}\nsub/a.txt\t{Sha("one")}\n"), handle.ContentSha256);
            Assert.True(handle.IsIntact());
            File.WriteAllText(Path.Combine(folder, "b.txt"), "changed");
            Assert.False(handle.IsIntact());
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static T RoundTrip<T>(T value) => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(value))!;

    private static IEnumerable<Type> Unwrap(Type type)
    {
        if (!type.IsGenericType) return type.IsArray ? Unwrap(type.GetElementType()!) : [type];
        return type.GetGenericArguments().SelectMany(Unwrap);
    }
}
