import { rand, randn, scope } from '@flint/tensor';
const a = randn([64]), b = randn([64]), c = rand([64]).add(0.5);
const f = () => scope(() => { let x = a; for (let i = 0; i < 1000; i++) x = i % 3 === 0 ? x.add(b) : i % 3 === 1 ? x.mul(c) : x.sub(b); return x.dataSync()[0]; });
for (let i=0;i<20;i++) f();
const t0=performance.now(); for (let i=0;i<300;i++) f(); console.log('ms/chain', (performance.now()-t0)/300);
