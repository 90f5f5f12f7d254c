using AlpacaFarm.Modeling.Transformer;
using TorchSharp;

namespace AlpacaFarm.Plugins.Ppo;

/// <summary>The two trained models under one optimiser, as AlpacaFarm trains them: the policy and the value model.</summary>
internal sealed class ActorCritic : torch.nn.Module
{
    private readonly CausalTransformer policy;
    private readonly CausalTransformer value;

    public ActorCritic(CausalTransformer policy, CausalTransformer value) : base(nameof(ActorCritic))
    {
        this.policy = policy;
        this.value = value;
        RegisterComponents();
    }

    public CausalTransformer Policy => policy;

    public CausalTransformer Value => value;
}
