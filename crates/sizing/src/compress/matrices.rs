//! A model's weight matrices, as the compression recipe sees them: `rows × cols`
//! (outputs × inputs, the layout `Y = W·X` multiplies and 2:4 groups along),
//! identical ones counted together.

use serde::Serialize;

use crate::cnn::{Analysis, LayerKind, Network};
use crate::transformer::arch::{Architecture, ParamCount, Stack};

/// What a weight matrix does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Attention,
    Ffn,
    Conv,
    Dense,
}

/// Identical weight matrices: `count` of `rows × cols`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Matrix {
    pub name: String,
    pub role: Role,
    pub rows: u64,
    pub cols: u64,
    pub count: u64,
    /// In the first or the last weighted layer (transformer: block).
    pub edge: bool,
    /// Multiply-accumulates per token (transformer) or per image (CNN), all `count` matrices.
    pub macs: u64,
}

impl Matrix {
    pub fn params(&self) -> u64 {
        self.rows
            .saturating_mul(self.cols)
            .saturating_mul(self.count)
    }
}

fn push(out: &mut Vec<Matrix>, m: Matrix) {
    if m.rows == 0 || m.cols == 0 || m.count == 0 {
        return;
    }
    match out
        .iter_mut()
        .find(|o| o.name == m.name && o.rows == m.rows && o.cols == m.cols && o.edge == m.edge)
    {
        Some(o) => {
            o.count = o.count.saturating_add(m.count);
            o.macs = o.macs.saturating_add(m.macs);
        }
        None => out.push(m),
    }
}

/// The projections of every block. Shapes follow the architecture where the
/// parameter counts allow (query: heads·head_dim × hidden; FFN: intermediate ×
/// hidden per expert); otherwise (MLA's low-rank projections, shared experts of
/// another width) a projection is taken as `n ÷ hidden` rows of `hidden`, and
/// parameters outside whole rows (MLA's norms) stay as they were.
pub fn transformer_matrices(arch: &Architecture, params: &ParamCount) -> Vec<Matrix> {
    let h = arch.hidden.max(1);
    let mut out = Vec::new();
    let last_decoder = params
        .blocks
        .iter()
        .filter(|b| b.stack == Stack::Decoder)
        .map(|b| b.index)
        .max()
        .unwrap_or(0);
    let last_encoder = params
        .blocks
        .iter()
        .filter(|b| b.stack == Stack::Encoder)
        .map(|b| b.index)
        .max()
        .unwrap_or(0);
    let ffn = arch.ffn;
    // Experts a token uses, for the multiply-accumulates of routed FFN weights.
    for b in &params.blocks {
        let p = &b.params;
        let last = match b.stack {
            Stack::Decoder => last_decoder,
            Stack::Encoder => last_encoder,
        };
        let edge = b.index == 0 || b.index == last;
        let active = |n: u64| -> f64 {
            let ffn_all = p.ffn_up + p.ffn_down;
            if ffn_all == 0 {
                1.0
            } else {
                (p.ffn_active as f64 / ffn_all as f64).min(1.0)
            }
            .max(0.0)
                * n as f64
        };
        let mut add = |name: &str, role: Role, rows: u64, cols: u64, count: u64, macs: u64| {
            push(
                &mut out,
                Matrix {
                    name: name.to_string(),
                    role,
                    rows,
                    cols,
                    count,
                    edge,
                    macs,
                },
            );
        };
        for (name, n) in [("q_proj", p.q), ("k_proj", p.k), ("v_proj", p.v)] {
            add(name, Role::Attention, n / h, h, 1, (n / h) * h);
        }
        add("o_proj", Role::Attention, h, p.o / h, 1, (p.o / h) * h);
        add(
            "cross_attention",
            Role::Attention,
            p.cross / h,
            h,
            1,
            (p.cross / h) * h,
        );
        let per = ffn.saturating_mul(h);
        let up_macs = active(p.ffn_up) as u64;
        let down_macs = active(p.ffn_down) as u64;
        if per > 0 && p.ffn_up % per == 0 && p.ffn_down % per == 0 {
            add(
                "ffn_up (gate, up)",
                Role::Ffn,
                ffn,
                h,
                p.ffn_up / per,
                up_macs,
            );
            add("ffn_down", Role::Ffn, h, ffn, p.ffn_down / per, down_macs);
        } else {
            add("ffn_up (gate, up)", Role::Ffn, p.ffn_up / h, h, 1, up_macs);
            add("ffn_down", Role::Ffn, h, p.ffn_down / h, 1, down_macs);
        }
    }
    out
}

/// Every convolution (filters × kernel window × input channels ÷ groups) and
/// dense layer (units × inputs), without their biases.
pub fn cnn_matrices(network: &Network, analysis: &Analysis) -> Vec<Matrix> {
    let weighted: Vec<usize> = analysis
        .layers
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            l.params > 0
                && matches!(
                    network.layers.get(*i).map(|x| &x.kind),
                    Some(LayerKind::Conv { .. } | LayerKind::Dense { .. })
                )
        })
        .map(|(i, _)| i)
        .collect();
    let (first, last) = (weighted.first().copied(), weighted.last().copied());
    let mut out = Vec::new();
    for &i in &weighted {
        let (l, a) = (&network.layers[i], &analysis.layers[i]);
        let (rows, bias, role) = match l.kind {
            LayerKind::Conv { filters, bias, .. } => (u64::from(filters), bias, Role::Conv),
            LayerKind::Dense { units, bias } => (u64::from(units), bias, Role::Dense),
            _ => continue,
        };
        let weights = a.params.saturating_sub(if bias { rows } else { 0 });
        if rows == 0 || weights % rows != 0 {
            continue;
        }
        out.push(Matrix {
            name: l.name.clone(),
            role,
            rows,
            cols: weights / rows,
            count: 1,
            edge: Some(i) == first || Some(i) == last,
            macs: a.macs,
        });
    }
    out
}
