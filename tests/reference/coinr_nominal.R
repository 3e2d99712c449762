# COINr reference run for tests/test_sensitivity.py (nominal index and the UA timing).
#
# NOT RUN YET: R and CRAN were not reachable on the machine where this script and the test
# were written. The expected values in the test (and in nominal_by_hand.csv) were computed
# by hand with exact fractions following COINr's documented formulas (n_minmax onto
# [1, 100], a_amean at the pillar and index levels). Run this script to produce
# coinr_nominal_from_R.csv next to it; the test then also compares against that file.
#
#   Rscript tests/reference/coinr_nominal.R          (from the repository root)
#
# Needs: install.packages("COINr")   (tested API: COINr >= 1.1)

library(COINr)

here <- "tests/reference"
iData <- read.csv(file.path(here, "coinr_data.csv"), stringsAsFactors = FALSE)
iMeta <- read.csv(file.path(here, "coinr_meta.csv"), stringsAsFactors = FALSE)
iMeta$Parent[iMeta$Parent == ""] <- NA

coin <- new_coin(iData, iMeta, level_names = c("Indicator", "Pillar", "Index"))
coin <- Normalise(coin, dset = "Raw",
                  global_specs = list(f_n = "n_minmax", f_n_para = list(l_u = c(1, 100))))
coin <- Aggregate(coin, dset = "Normalised", f_ag = "a_amean")

res <- get_dset(coin, dset = "Aggregated")
out <- res[c("uCode", "P1", "P2", "Index")]
write.csv(out, file.path(here, "coinr_nominal_from_R.csv"), row.names = FALSE)
print(out, digits = 12)

# --- the peer timing of the issue: noisy weights and arithmetic vs geometric, 4,096 runs ---
w_nom <- coin$Meta$Weights$Original
noisy <- get_noisy_weights(w = w_nom,
                           noise_specs = data.frame(Level = 1, NoiseFactor = 0.25),
                           Nrep = 100)
SA_specs <- list(
  Weights = list(Address = "$Log$Aggregate$w", Distribution = noisy, Type = "discrete"),
  Aggregation = list(Address = "$Log$Aggregate$f_ag",
                     Distribution = c("a_amean", "a_gmean"), Type = "discrete")
)
elapsed <- system.time(
  SA_res <- get_sensitivity(coin, SA_specs = SA_specs, N = 4096, SA_type = "UA",
                            dset = "Aggregated", iCode = "Index")
)[["elapsed"]]
cat(sprintf("COINr UA: 4096 runs in %.1f s (%.2f ms per run)\n", elapsed, 1000 * elapsed / 4096))
