/**
 * The seed document's modules, as written there in PyTorch:
 *
 * ```python
 * class Linear(nn.Module):
 *     def __init__(self, in_features, out_features):
 *         super().__init__()
 *         self.w = nn.Parameter(torch.randn(in_features, out_features))
 *         self.b = nn.Parameter(torch.randn(out_features))
 *     def forward(self, x):
 *         x = x.mm(self.w)
 *         return x + self.b.expand_as(x)
 *
 * class Perceptron(nn.Module):
 *     def __init__(self, in_features, hidden_features, out_features):
 *         super().__init__()
 *         self.layer1 = Linear(in_features, hidden_features)
 *         self.layer2 = Linear(hidden_features, out_features)
 *     def forward(self, x):
 *         x = self.layer1(x)
 *         x = torch.sigmoid(x)
 *         return self.layer2(x)
 * ```
 */
import { Module, Parameter } from '@flint/nn';
import { randn, type Tensor } from '@flint/tensor';

/** The seed's hand-written fully connected layer: `w [in, out]`, `b [out]`, `x.mm(w) + b`. */
export class Linear extends Module {
  w: Parameter;
  b: Parameter;

  constructor(inFeatures: number, outFeatures: number) {
    super();
    this.w = new Parameter(randn([inFeatures, outFeatures]));
    this.b = new Parameter(randn([outFeatures]));
  }

  override forward(x: Tensor): Tensor {
    return x.mm(this.w).add(this.b);
  }
}

/** Two of them with a sigmoid between. */
export class Perceptron extends Module {
  layer1: Linear;
  layer2: Linear;

  constructor(inFeatures: number, hiddenFeatures: number, outFeatures: number) {
    super();
    this.layer1 = new Linear(inFeatures, hiddenFeatures);
    this.layer2 = new Linear(hiddenFeatures, outFeatures);
  }

  override forward(x: Tensor): Tensor {
    return this.layer2(this.layer1(x).sigmoid());
  }
}
