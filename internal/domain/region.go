package domain

// Region is one of Shanxi's 11 prefecture-level cities, identified by its
// administrative division code (GB/T 2260). Regions are fixed reference data,
// kept in code rather than in any body's database.
type Region struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	NameEn string `json:"nameEn"`
}

// ID returns the region's code; it is also its Relay node key.
func (r Region) ID() string { return r.Code }

// Regions lists Shanxi's prefecture-level cities in code order.
var Regions = []Region{
	{Code: "140100", Name: "太原市", NameEn: "Taiyuan"},
	{Code: "140200", Name: "大同市", NameEn: "Datong"},
	{Code: "140300", Name: "阳泉市", NameEn: "Yangquan"},
	{Code: "140400", Name: "长治市", NameEn: "Changzhi"},
	{Code: "140500", Name: "晋城市", NameEn: "Jincheng"},
	{Code: "140600", Name: "朔州市", NameEn: "Shuozhou"},
	{Code: "140700", Name: "晋中市", NameEn: "Jinzhong"},
	{Code: "140800", Name: "运城市", NameEn: "Yuncheng"},
	{Code: "140900", Name: "忻州市", NameEn: "Xinzhou"},
	{Code: "141000", Name: "临汾市", NameEn: "Linfen"},
	{Code: "141100", Name: "吕梁市", NameEn: "Lüliang"},
}

// RegionByCode returns the region with the given code.
func RegionByCode(code string) (Region, bool) {
	for _, r := range Regions {
		if r.Code == code {
			return r, true
		}
	}
	return Region{}, false
}
