"""Places read from addresses and texts: what makes two reports one place, or two."""

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from app.dedup.places import (
    KeySet,
    address_keys,
    compare,
    keys_text,
    load_gazetteer,
    locate,
    place_keys,
)
from app.dedup.similarity import keys_for_matching
from app.dedup.words import load_vocabulary, segmenter_for, user_words
from tests.dedup.pairs import demo_gazetteer

GAZETTEER = load_gazetteer()


def _keys(text: str) -> frozenset[str]:
    return place_keys(text, GAZETTEER)


def _places(text: str) -> KeySet:
    return KeySet(place_keys(text, GAZETTEER))


def test_a_house_number_is_kept_with_its_road() -> None:
    keys = _keys("市民来电反映：潭城区建设路15号门口井盖缺失")
    assert {"R:建设路", "N:建设路:15"} <= keys


def test_different_numbers_on_one_road_are_two_places() -> None:
    evidence = compare(_places("建设路15号井盖缺失"), _places("建设路61号井盖缺失"))
    assert evidence.different == ("建设路15号≠61号",)
    assert not evidence.same


def test_the_same_number_written_in_chinese_numerals_is_the_same_place() -> None:
    evidence = compare(_places("滨江路八十八号公交站台玻璃碎了"), _places("滨江路88号站台玻璃碎了"))
    assert evidence.same == ("N:滨江路:88",)
    assert not evidence.different


def test_buildings_of_one_compound_are_told_apart_however_written() -> None:
    same = compare(_places("鼓楼新村9号楼外墙开裂"), _places("鼓楼新村9栋东边外墙裂了"))
    assert "B:9" in same.same
    other = compare(_places("锦江花园3栋垃圾桶满了"), _places("锦江花园8幢垃圾没人清"))
    assert other.different == ("3栋≠8栋",)
    twelve = compare(_places("金桂苑12#楼消防通道被堵"), _places("金桂苑十二栋旁消防通道停满车"))
    assert "B:12" in twelve.same


def test_a_community_named_after_its_compound_is_the_same_place() -> None:
    # A QR poster's address is its community (长安社区, read 长安); the call names the
    # compound the community is named after.
    poster = KeySet(
        address_keys("长安社区", GAZETTEER) | place_keys("3栋701天天有人进出", GAZETTEER)
    )
    call = _places("长安花园3栋701室有人办补习班")
    evidence = compare(poster, call)
    assert "C:长安花园" in evidence.area
    assert {"B:3", "H:701"} <= set(evidence.same)
    assert not evidence.other_area
    # Two compounds that only begin alike are still two places.
    other = compare(_places("长安花园3栋停水"), _places("长坪花园3栋停水"))
    assert other.other_area
    assert "B:3" not in other.same


def test_a_number_near_which_a_phone_placed_the_report_is_only_roughly_there() -> None:
    near = compare(_places("中山路228号附近"), _places("中山路230号观前小区"))
    assert not near.different
    far = compare(_places("建设路27号附近"), _places("建设路72号门前"))
    assert far.different


def test_unit_and_room_tell_two_flats_of_one_building_apart() -> None:
    evidence = compare(_places("朝阳花园3栋1单元702漏水"), _places("朝阳花园3栋2单元1102漏水"))
    assert "1单元≠2单元" in evidence.different


def test_the_words_before_a_road_are_not_its_name() -> None:
    assert "N:府前路:12" in _keys("来电人反映府前路12号门口")
    assert {"R:和平路", "A:和平路:9"} <= _keys("和平路九号旁边空地")


def test_the_words_before_a_compound_or_landmark_are_not_its_name() -> None:
    # The name's match may start inside the word before it (映 of 反映), or take in words
    # before a name the gazetteer knows.
    assert _keys("上周已在社区扫码反映和平里小区12栋楼顶有人搭棚") == {"C:和平里", "B:12"}
    assert _keys("网格员走访人民公园周边居民") == {"L:人民公园"}
    assert _keys("晚上进金桂苑那一段黑咕隆咚") == {"C:金桂苑"}
    # Square dancing is no square, and a line break ends the words before a name.
    assert _keys("每晚广场舞音响太吵") == frozenset()
    assert _keys("3路车甩客\n早上七点多在新华二中门口") == {"L:新华二中"}


def test_problem_words_name_one_concept_however_said() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.concepts("小区门口的路灯坏了好几天") == {"路灯"}
    assert vocabulary.concepts("晚上大门那边黑灯瞎火的") == {"路灯"}
    assert vocabulary.concepts("卫生间渗水") == vocabulary.concepts("天花板一直滴水")


def test_a_word_listed_under_two_concepts_names_both(tmp_path: Path) -> None:
    words = tmp_path / "synonyms.json"
    concepts = {"路面": ["裂缝", "坑"], "危房": ["裂缝", "墙歪"]}
    words.write_text(json.dumps({"concepts": concepts, "common_words": []}), encoding="utf-8")
    vocabulary = load_vocabulary(words)
    assert vocabulary.concepts("外墙一条裂缝") == {"路面", "危房"}
    assert vocabulary.concepts("墙歪了") == {"危房"}


def test_an_address_is_located_at_its_community_with_how_far_it_reaches() -> None:
    gazetteer = demo_gazetteer()
    found = locate("潭城街道观前社区中山路230号观前小区", gazetteer)
    assert found is not None
    assert found.name == "观前社区"
    assert 100 < found.radius_m < 5000
    assert locate("不知道在哪里", gazetteer) is None


def test_keys_are_kept_as_one_text() -> None:
    keys = keys_for_matching(
        "路灯不亮", "建安大道88号门口路灯不亮", "潭城区建安大道88号", GAZETTEER, load_vocabulary()
    )
    assert keys.split() == sorted(keys.split())
    assert "N:建安大道:88" in keys.split()
    assert "K:路灯" in keys.split()


def test_the_segmenter_keeps_names_whole_and_leaves_common_words_out() -> None:
    gazetteer = demo_gazetteer()
    segmenter = segmenter_for(user_words(gazetteer, ("井盖缺失",)))
    words = segmenter.words("市民来电反映：锦江花园门口路灯坏了好几天")
    assert "锦江花园" in words
    assert "市民" not in words
    assert "路灯" in words


def test_an_address_names_its_road_even_without_a_number() -> None:
    assert "R:桥南路" in address_keys("潭城区桥南路", GAZETTEER)
    keys = address_keys("潭城街道观前社区中山路230号观前小区", GAZETTEER)
    assert {"C:观前", "N:中山路:230", "R:中山路"} <= keys
    assert "R:潭城街" not in keys  # 街道 is a subdistrict
    assert "L:解放街菜市场" in address_keys("解放街菜市场", GAZETTEER)


def test_the_two_ends_of_a_road_are_two_places() -> None:
    evidence = compare(_places("滨江路东段路面有个大坑"), _places("滨江路西段路面坑洼"))
    assert evidence.other_part
    assert not compare(_places("东门菜市场门口垃圾"), _places("西门社区垃圾")).other_part


def test_a_flat_written_with_dashes_is_its_building_unit_and_room() -> None:
    assert {"B:5", "U:1", "H:302"} <= _keys("我住5-1-302，楼下天天砸东西")
    assert {"B:3", "H:701"} <= _keys("3-701室有人办补习班")
    assert "B:1" not in _keys("崇文府5栋1-302")
    # Ranges of amounts are not flats.
    assert not _keys("排队20-300米") & {"B:20", "H:300"}
    assert "H:100" not in _keys("收费50-100元")


def test_the_same_room_of_the_same_building_is_one_flat() -> None:
    evidence = compare(_places("崇文府5栋1单元302室楼下装修"), _places("我住5-1-302，楼下装修"))
    assert "H:302" in evidence.same
    assert not evidence.different
    other_compounds = compare(_places("锦江花园5栋302室漏水"), _places("桂园小区5栋302室漏水"))
    assert "H:302" not in other_compounds.same


def test_a_web_forms_number_is_a_house_number() -> None:
    assert "N:和平路:210" in _keys("和平路No.210的店在门口焊了个铁棚子")
    keys = address_keys("和平路No.210", GAZETTEER)
    assert "R:和平路" in keys
    assert "R:平路" not in keys  # 和 starts the name here; it joins two roads only after one
    assert {"R:府前路", "R:解放路"} <= address_keys("府前路和解放路", GAZETTEER)


def test_numbers_next_door_or_across_the_road_are_neither_one_place_nor_two() -> None:
    across = compare(_places("和平路120号路中间有只死狗"), _places("和平路121号马路上死狗"))
    assert not across.different
    assert not across.same
    assert compare(_places("和平路120号"), _places("和平路125号")).different


def test_a_number_given_roughly_and_exactly_is_one_place() -> None:
    evidence = compare(_places("和平路九号旁边空地"), _places("和平路9号东侧空地"))
    assert evidence.same == ("N:和平路:9",)


def test_towers_by_letter_and_phases_of_a_compound_are_told_apart() -> None:
    towers = compare(_places("南门苑A座电梯抖动"), _places("南门苑B座电梯抖动"))
    assert towers.different == ("A栋≠B栋",)
    assert "P:南门" not in _keys("南门苑A座")  # a compound's name, not its south gate
    phases = compare(_places("溪南家园一期3栋楼道"), _places("溪南家园二期3栋楼道"))
    assert phases.different == ("1期≠2期",)
    assert not phases.same
    assert not _keys("第二期培训班")


def test_the_two_ends_of_a_bridge_are_two_places() -> None:
    assert compare(_places("溪南大桥北桥头护栏变形"), _places("溪南大桥南头护栏坏了")).other_part


def test_stored_keys_read_back_as_written_in_any_order() -> None:
    keys = frozenset({"B:3", "C:长安花园", "H:701", "K:学校", "K:噪音", "N:长安路:8", "W:补习班"})
    stored = keys_text(keys)
    shuffled = " ".join(sorted(keys, key=lambda key: key[::-1]))  # not as keys_text sorts
    for read in (KeySet(stored), KeySet(shuffled), KeySet(keys)):
        assert read.words == {"补习班"}
        assert read.concepts == {"学校", "噪音"}
        assert read.places == {"B:3", "C:长安花园", "H:701", "N:长安路:8"}
        assert read.of("H") == {"701"}
        assert read.read().numbers == {"长安路": {"8"}}


_KIND = st.sampled_from("ABCGHJKLNPQRUW")
_VALUE = st.text(alphabet="长安路花园0123456789:", min_size=1, max_size=6)


@given(keys=st.frozensets(st.builds("{}:{}".format, _KIND, _VALUE), max_size=12))
def test_stored_keys_read_back_as_the_keys_themselves(keys: frozenset[str]) -> None:
    """The stored text is read by cutting it where the sorted kinds change; any keys, read
    back from it (or from a text not sorted as stored), are the keys read one by one."""
    # Words and problem words never hold a colon: segmented text has none.
    keys = frozenset(key for key in keys if key[0] not in "WK" or ":" not in key[2:])
    one_by_one = KeySet(keys)
    for stored in (keys_text(keys), " ".join(sorted(keys, reverse=True))):
        read = KeySet(stored)
        assert (read.words, read.concepts, read.places) == (
            one_by_one.words,
            one_by_one.concepts,
            one_by_one.places,
        )
