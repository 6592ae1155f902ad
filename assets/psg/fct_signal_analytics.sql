-- EEG spectral profile per subject and sleep stage, over all nights and EEG channels: epochs scored in the
-- stage, channel-epochs averaged, and the mean relative power per band (nulls — bands above Nyquist — skipped).
with features as (
    select * from {{ ref('stg_signal_features') }}
),

final as (
    select
        subject_id,
        stage,
        count(distinct (night, recording_id, epoch))   as epochs,
        count(*)                                       as channel_epochs,
        count(distinct channel)                        as channels,
        avg(delta_rel)                                 as mean_delta_rel,
        avg(theta_rel)                                 as mean_theta_rel,
        avg(alpha_rel)                                 as mean_alpha_rel,
        avg(sigma_rel)                                 as mean_sigma_rel,
        avg(beta_rel)                                  as mean_beta_rel,
        avg(gamma_rel)                                 as mean_gamma_rel,
        avg(total_power)                               as mean_total_power
    from features
    group by subject_id, stage
)

select * from final
order by subject_id, stage
